package dev.socialcheck.server.checkers;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The body of a probe request: none, a text, a form or a JSON document. */
public sealed interface ProbeBody {

  /** No body. */
  ProbeBody NONE = new None();

  /** The bytes to send for one check. */
  byte[] render(ProbeValues values);

  /** The content type this body implies, if the request's headers set none. */
  Optional<String> defaultContentType();

  /** No body. */
  record None() implements ProbeBody {
    @Override
    public byte[] render(ProbeValues values) {
      return new byte[0];
    }

    @Override
    public Optional<String> defaultContentType() {
      return Optional.empty();
    }
  }

  /**
   * A text body. Values land encoded for the request's content type: escaped for a JSON string if
   * it is JSON, form-encoded if it is a form, as they are otherwise.
   */
  record Text(ProbeTemplate template, ProbeTemplate.Encoding encoding) implements ProbeBody {
    /** The encoding that fits a {@code Content-Type} (null: none declared). */
    public static ProbeTemplate.Encoding encodingFor(@Nullable String contentType) {
      if (contentType == null) {
        return ProbeTemplate.Encoding.RAW;
      }
      String type = contentType.toLowerCase(java.util.Locale.ROOT);
      if (type.contains("json")) {
        return ProbeTemplate.Encoding.JSON_STRING;
      }
      if (type.contains("x-www-form-urlencoded")) {
        return ProbeTemplate.Encoding.URL;
      }
      return ProbeTemplate.Encoding.RAW;
    }

    @Override
    public byte[] render(ProbeValues values) {
      return template.expand(values, encoding).getBytes(UTF_8);
    }

    @Override
    public Optional<String> defaultContentType() {
      return Optional.empty();
    }
  }

  /** An {@code application/x-www-form-urlencoded} body: each field's value is encoded. */
  record Form(Map<String, ProbeTemplate> fields) implements ProbeBody {
    public Form {
      fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    @Override
    public byte[] render(ProbeValues values) {
      StringBuilder out = new StringBuilder();
      fields.forEach(
          (name, value) -> {
            if (out.length() > 0) {
              out.append('&');
            }
            out.append(URLEncoder.encode(name, UTF_8))
                .append('=')
                .append(URLEncoder.encode(value.expand(values, ProbeTemplate.Encoding.RAW), UTF_8));
          });
      return out.toString().getBytes(UTF_8);
    }

    @Override
    public Optional<String> defaultContentType() {
      return Optional.of("application/x-www-form-urlencoded");
    }
  }

  /**
   * A JSON document written in the catalog as YAML: every string in it is a template, and the
   * document is serialized after expansion, so values are escaped wherever they land.
   */
  record Json(JsonNode document, Map<String, ProbeTemplate> strings) implements ProbeBody {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Compiles every string of {@code document}.
     *
     * @throws IllegalArgumentException naming the first bad placeholder
     */
    public static Json compile(JsonNode document, Function<String, ProbeTemplate> compiler) {
      Map<String, ProbeTemplate> strings = new LinkedHashMap<>();
      collect(document, compiler, strings);
      return new Json(document.deepCopy(), strings);
    }

    private static void collect(
        JsonNode node, Function<String, ProbeTemplate> compiler, Map<String, ProbeTemplate> out) {
      if (node.isTextual()) {
        out.computeIfAbsent(node.textValue(), compiler);
      } else {
        node.forEach(child -> collect(child, compiler, out));
      }
    }

    @Override
    public byte[] render(ProbeValues values) {
      try {
        return JSON.writeValueAsBytes(expand(document, values));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a JSON body", e);
      }
    }

    private JsonNode expand(JsonNode node, ProbeValues values) {
      JsonNodeFactory nodes = JsonNodeFactory.instance;
      if (node.isTextual()) {
        ProbeTemplate template = strings.get(node.textValue());
        return template == null || template.isConstant()
            ? node
            : TextNode.valueOf(template.expand(values, ProbeTemplate.Encoding.RAW));
      }
      if (node.isObject()) {
        ObjectNode out = nodes.objectNode();
        node.properties().forEach(e -> out.set(e.getKey(), expand(e.getValue(), values)));
        return out;
      }
      if (node.isArray()) {
        ArrayNode out = nodes.arrayNode();
        node.forEach(child -> out.add(expand(child, values)));
        return out;
      }
      return node;
    }

    @Override
    public Optional<String> defaultContentType() {
      return Optional.of("application/json");
    }
  }

  /** The placeholders a body uses, for load-time checks. */
  public static List<String> placeholders(ProbeBody body) {
    if (body instanceof Text text) {
      return text.template().placeholders();
    }
    if (body instanceof Form form) {
      return form.fields().values().stream().flatMap(t -> t.placeholders().stream()).toList();
    }
    if (body instanceof Json json) {
      return json.strings().values().stream().flatMap(t -> t.placeholders().stream()).toList();
    }
    return List.of();
  }

  /** Field names of a form or JSON body (for the policy check on password fields). */
  public static Set<String> fieldNames(ProbeBody body) {
    if (body instanceof Form form) {
      return form.fields().keySet();
    }
    if (body instanceof Json json) {
      Set<String> names = new java.util.HashSet<>();
      collectNames(json.document(), names);
      return names;
    }
    return Set.of();
  }

  private static void collectNames(JsonNode node, Set<String> out) {
    node.properties()
        .forEach(
            e -> {
              out.add(e.getKey());
              collectNames(e.getValue(), out);
            });
    if (node.isArray()) {
      node.forEach(child -> collectNames(child, out));
    }
  }
}

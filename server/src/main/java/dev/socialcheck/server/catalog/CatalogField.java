package dev.socialcheck.server.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.socialcheck.server.checkers.ProbeTemplate;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A node of a catalog with the path that leads to it, for precise error messages. */
final class CatalogField {
  final String where;
  final String path;
  final JsonNode node;

  CatalogField(String where, String path, JsonNode node) {
    this.where = where;
    this.path = path;
    this.node = node;
  }

  CatalogException fail(String message) {
    return new CatalogException(where + (path.isEmpty() ? "" : ": " + path) + ": " + message);
  }

  CatalogField at(String name) {
    JsonNode child = node.path(name);
    return new CatalogField(where, path.isEmpty() ? name : path + "." + name, child);
  }

  CatalogField index(int i) {
    return new CatalogField(where, path + "[" + i + "]", node.get(i));
  }

  List<CatalogField> items() {
    List<CatalogField> items = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      items.add(index(i));
    }
    return items;
  }

  CatalogField required(String name) {
    CatalogField child = at(name);
    if (child.node.isMissingNode() || child.node.isNull()) {
      throw child.fail("is required");
    }
    return child;
  }

  Optional<CatalogField> optional(String name) {
    CatalogField child = at(name);
    return child.node.isMissingNode() || child.node.isNull()
        ? Optional.empty()
        : Optional.of(child);
  }

  CatalogField requireObject() {
    if (!node.isObject()) {
      throw fail("must be a mapping");
    }
    return this;
  }

  CatalogField allowOnly(Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw at(name)
            .fail(
                "unknown field (allowed: "
                    + String.join(", ", allowed.stream().sorted().toList())
                    + ")");
      }
    }
    return this;
  }

  String text() {
    if (!node.isTextual() && !node.isNumber() && !node.isBoolean()) {
      throw fail("must be a text");
    }
    String text = node.asText();
    if (text.isBlank()) {
      throw fail("must not be empty");
    }
    return text;
  }

  List<String> texts() {
    return node.isArray() ? items().stream().map(CatalogField::text).toList() : List.of(text());
  }

  List<JsonNode> values() {
    List<JsonNode> values = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(values::add);
    } else {
      values.add(node);
    }
    return values;
  }

  double number() {
    if (!node.isNumber()) {
      throw fail("must be a number");
    }
    return node.asDouble();
  }

  int integer(int min, int max) {
    if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
      throw fail("must be a whole number between " + min + " and " + max);
    }
    return node.asInt();
  }

  boolean bool() {
    if (!node.isBoolean()) {
      throw fail("must be true or false");
    }
    return node.asBoolean();
  }

  Duration duration() {
    try {
      return DurationText.parse(text());
    } catch (IllegalArgumentException e) {
      throw fail(String.valueOf(e.getMessage()));
    }
  }

  Duration positiveDuration() {
    Duration d = duration();
    if (d.isZero()) {
      throw fail("must be positive");
    }
    return d;
  }

  ProbeTemplate template(Set<String> variables) {
    try {
      return ProbeTemplate.compile(text(), variables);
    } catch (IllegalArgumentException e) {
      throw fail(String.valueOf(e.getMessage()));
    }
  }

  /** A linear-time (RE2) regular expression. */
  Pattern pattern() {
    try {
      return Pattern.compile(text());
    } catch (PatternSyntaxException e) {
      throw fail("not a valid regular expression (RE2 syntax): " + e.getDescription());
    }
  }

  /** The last name of this field's path ({@code csrf} for {@code steps[0].extract.csrf}). */
  String name() {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  EmailAddress email() {
    try {
      return EmailAddress.parse(text());
    } catch (IllegalArgumentException e) {
      throw fail(String.valueOf(e.getMessage()));
    }
  }
}

package dev.socialcheck.server.catalog;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import dev.socialcheck.server.checkers.Extractor;
import dev.socialcheck.server.checkers.ProbeBody;
import dev.socialcheck.server.checkers.ProbeRequest;
import dev.socialcheck.server.checkers.ProbeSpec;
import dev.socialcheck.server.checkers.ProbeStep;
import dev.socialcheck.server.checkers.ProbeTemplate;
import dev.socialcheck.server.checkers.ProbeValues;
import dev.socialcheck.server.checkers.ResponseRule;
import dev.socialcheck.server.engine.CheckStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import org.jspecify.annotations.Nullable;

/**
 * Reads the probe of one catalog entry (its steps, request, rules and challenge rules) into a
 * {@link ProbeSpec}, refusing what the policy forbids. Part of {@link CatalogLoader}; every error
 * names the file, the platform and the field.
 */
final class ProbeParser {
  static final Set<String> REQUEST_FIELDS =
      Set.of("method", "url", "query", "headers", "body", "form", "json", "follow_redirects");
  static final Set<String> RULE_FIELDS =
      Set.of(
          "status",
          "json",
          "body_contains",
          "body_equals",
          "body_matches",
          "header",
          "result",
          "detail");
  private static final Set<String> BLOCKED_FIELDS =
      Set.of("status", "json", "body_contains", "body_equals", "body_matches", "header", "detail");
  private static final Set<String> STEP_FIELDS = Set.of("name", "request", "extract", "rules");
  private static final Set<String> EXTRACTORS = Set.of("regex", "cookie", "header", "json");
  private static final Set<String> JSON_FIELDS =
      Set.of("pointer", "equals", "not_equals", "exists");
  private static final Set<String> HEADER_FIELDS =
      Set.of("name", "exists", "equals", "contains", "matches");
  private static final Set<String> METHODS = Set.of("GET", "POST", "HEAD", "PUT", "PATCH");
  private static final java.util.regex.Pattern STATUS_CLASS =
      java.util.regex.Pattern.compile("([1-5])xx");
  private static final java.util.regex.Pattern ENV =
      java.util.regex.Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
  private static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final java.util.regex.Pattern STEP_NAME =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

  /** Form or JSON field names that carry a password: never sent. */
  private static final java.util.regex.Pattern PASSWORD_FIELD =
      java.util.regex.Pattern.compile(
          "(?i)(password|passwd|pass|pwd|passphrase|new_?password|current_?password)");

  /** URL paths of password recovery and login-link flows: never called. */
  private static final java.util.regex.Pattern RECOVERY_URL =
      java.util.regex.Pattern.compile(
          "(?i)(forgot|reset|recover|lost)[-_/]?(your[-_/]?)?(password|passwd|pw)"
              + "|(password|passwd)[-_/]?(reset|recovery|forgot)"
              + "|account[-_/]?recovery|magic[-_/]?link|send[-_/]?(login|magic)");

  private final Function<String, @Nullable String> environment;

  ProbeParser(Function<String, @Nullable String> environment) {
    this.environment = environment;
  }

  /**
   * Reads the probe of platform {@code p}.
   *
   * @param inheritedBlocked challenge rules that apply before the platform's own
   * @param defaultUserAgent the catalog's {@code user_agent}, if it sets one
   */
  ProbeSpec probe(
      String id,
      CatalogField p,
      int maxBody,
      List<ResponseRule> inheritedBlocked,
      @Nullable String defaultUserAgent) {
    Set<String> variables = new HashSet<>();
    List<ProbeStep> steps = new ArrayList<>();
    p.optional("steps")
        .ifPresent(
            list -> {
              if (!list.node.isArray() || list.node.isEmpty()) {
                throw list.fail("must be a non-empty list of steps (or left out)");
              }
              Set<String> names = new HashSet<>();
              for (CatalogField step : list.items()) {
                ProbeStep parsed = step(step, variables);
                if (!names.add(parsed.name())) {
                  throw step.at("name").fail("duplicate step name");
                }
                steps.add(parsed);
              }
            });
    ProbeRequest request = request(p.required("request"), variables);
    List<ResponseRule> rules = ruleList(p.required("rules"), true);
    List<ResponseRule> blocked = new ArrayList<>(inheritedBlocked);
    p.optional("blocked_when").ifPresent(b -> blocked.addAll(ruleList(b, false)));
    String userAgent = p.optional("user_agent").map(CatalogField::text).orElse(defaultUserAgent);
    return new ProbeSpec(id, userAgent, steps, request, blocked, rules, maxBody);
  }

  private ProbeStep step(CatalogField s, Set<String> variables) {
    s.requireObject().allowOnly(STEP_FIELDS);
    String name = s.required("name").text();
    if (!STEP_NAME.matcher(name).matches()) {
      throw s.at("name").fail("must be lower case letters, digits, '-' or '_' (at most 32)");
    }
    ProbeRequest request = request(s.required("request"), variables);
    Map<String, Extractor> extract = new LinkedHashMap<>();
    s.optional("extract")
        .ifPresent(
            e -> {
              e.requireObject();
              e.node
                  .fieldNames()
                  .forEachRemaining(
                      variable -> extract.put(variable, extractor(e.at(variable), variable)));
            });
    List<ResponseRule> rules = s.optional("rules").map(r -> ruleList(r, true)).orElse(List.of());
    if (extract.isEmpty() && rules.isEmpty()) {
      throw s.fail("a step needs extract or rules (else it has no effect)");
    }
    for (String variable : extract.keySet()) {
      if (!variables.add(variable)) {
        throw s.at("extract").at(variable).fail("an earlier step extracts it already");
      }
    }
    return new ProbeStep(name, request, extract, rules);
  }

  private static Extractor extractor(CatalogField e, String variable) {
    if (!NAME.matcher(variable).matches()) {
      throw e.fail("must be lower case letters, digits or '_', starting with a letter");
    }
    if (ProbeValues.BUILT_IN.contains(variable)) {
      throw e.fail("{" + variable + "} is built in; choose another name");
    }
    e.requireObject().allowOnly(EXTRACTORS);
    if (e.node.size() != 1) {
      throw e.fail(
          "needs exactly one of " + String.join(", ", EXTRACTORS.stream().sorted().toList()));
    }
    String how = e.node.fieldNames().next();
    CatalogField value = e.at(how);
    try {
      return switch (how) {
        case "regex" -> new Extractor.Regex(value.pattern());
        case "cookie" -> new Extractor.Cookie(value.text());
        case "header" -> new Extractor.Header(value.text());
        case "json" -> new Extractor.Json(pointer(value));
        default -> throw value.fail("unknown extractor");
      };
    } catch (IllegalArgumentException bad) {
      throw value.fail(String.valueOf(bad.getMessage()));
    }
  }

  ProbeRequest request(CatalogField r, Set<String> variables) {
    r.requireObject().allowOnly(REQUEST_FIELDS);
    String method =
        r.optional("method").map(CatalogField::text).orElse("GET").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw r.at("method")
          .fail("must be one of " + String.join(", ", METHODS.stream().sorted().toList()));
    }
    CatalogField urlField = r.required("url");
    ProbeTemplate url = urlField.template(variables);
    String urlText = url.toString();
    if (!urlText.startsWith("https://") && !urlText.startsWith("http://")) {
      throw urlField.fail("must start with https:// (or http://)");
    }
    for (String placeholder : url.placeholders()) {
      if (placeholder.equals("email") || placeholder.equals("email_json")) {
        throw urlField.fail(
            "{"
                + placeholder
                + "} is not URL-safe: use {email_urlencoded}, {email_sha256} or {email_md5}");
      }
    }
    if (RECOVERY_URL.matcher(urlText).find()) {
      throw urlField.fail(
          "looks like a password-recovery or login-link endpoint; socialcheck never calls those"
              + " (they notify the address owner)");
    }
    Map<String, ProbeTemplate> query = new LinkedHashMap<>();
    r.optional("query")
        .ifPresent(
            q -> {
              q.requireObject();
              q.node
                  .fieldNames()
                  .forEachRemaining(
                      name -> {
                        CatalogField value = q.at(name);
                        ProbeTemplate template = value.template(variables);
                        if (template.placeholders().contains("email_urlencoded")) {
                          throw value.fail(
                              "{email_urlencoded} is encoded already; in query use {email}"
                                  + " (values are encoded for you)");
                        }
                        query.put(name, template);
                      });
            });
    Map<String, ProbeTemplate> headers = new LinkedHashMap<>();
    r.optional("headers").ifPresent(h -> headers(h, headers, variables));
    List<String> bodies =
        List.of("body", "form", "json").stream().filter(b -> r.optional(b).isPresent()).toList();
    if (bodies.size() > 1) {
      throw r.at(bodies.get(1)).fail("only one of body, form and json");
    }
    @Nullable String contentType =
        headers.entrySet().stream()
            .filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
            .map(h -> h.getValue().toString())
            .findFirst()
            .orElse(null);
    ProbeBody body = ProbeBody.NONE;
    if (r.optional("body").isPresent()) {
      body =
          new ProbeBody.Text(
              r.at("body").template(variables), ProbeBody.Text.encodingFor(contentType));
    } else if (r.optional("form").isPresent()) {
      CatalogField form = r.at("form").requireObject();
      Map<String, ProbeTemplate> fields = new LinkedHashMap<>();
      form.node
          .fieldNames()
          .forEachRemaining(
              name -> {
                CatalogField value = form.at(name);
                fields.put(name, noPreEncoded(value, value.template(variables), "a form"));
              });
      body = new ProbeBody.Form(fields);
    } else if (r.optional("json").isPresent()) {
      CatalogField json = r.at("json");
      if (!json.node.isContainerNode()) {
        throw json.fail("must be a mapping or a list (the JSON document to send)");
      }
      body =
          ProbeBody.Json.compile(
              json.node,
              text -> {
                try {
                  ProbeTemplate template = ProbeTemplate.compile(text, variables);
                  return noPreEncoded(json, template, "json");
                } catch (IllegalArgumentException e) {
                  throw json.fail(String.valueOf(e.getMessage()));
                }
              });
    }
    for (String field : ProbeBody.fieldNames(body)) {
      if (PASSWORD_FIELD.matcher(field).matches()) {
        throw r.at(body instanceof ProbeBody.Form ? "form" : "json")
            .fail(
                "field '"
                    + field
                    + "' looks like a password; socialcheck never sends passwords (see the policy"
                    + " in docs/catalog.md)");
      }
    }
    boolean follow = r.optional("follow_redirects").map(CatalogField::bool).orElse(true);
    return new ProbeRequest(method, url, query, headers, body, follow);
  }

  private static ProbeTemplate noPreEncoded(
      CatalogField field, ProbeTemplate template, String where) {
    for (String placeholder : template.placeholders()) {
      if (placeholder.equals("email_urlencoded") || placeholder.equals("email_json")) {
        throw field.fail(
            "{"
                + placeholder
                + "} is encoded already; in "
                + where
                + " use {email} (values are encoded for you)");
      }
    }
    return template;
  }

  /**
   * Copies headers, resolving {@code ${env:NAME}}; a header whose variable is unset is left out.
   */
  private void headers(CatalogField field, Map<String, ProbeTemplate> out, Set<String> variables) {
    field.requireObject();
    for (Map.Entry<String, JsonNode> entry : field.node.properties()) {
      CatalogField value = field.at(entry.getKey());
      String text = value.text();
      Matcher m = ENV.matcher(text);
      StringBuilder resolved = new StringBuilder();
      boolean complete = true;
      while (m.find()) {
        String env = environment.apply(m.group(1));
        if (env == null || env.isEmpty()) {
          complete = false;
          break;
        }
        m.appendReplacement(resolved, Matcher.quoteReplacement(env));
      }
      if (complete) {
        m.appendTail(resolved);
        ProbeTemplate template;
        try {
          template = ProbeTemplate.compile(resolved.toString(), variables);
        } catch (IllegalArgumentException e) {
          throw value.fail(String.valueOf(e.getMessage()));
        }
        out.put(entry.getKey(), template);
      }
    }
  }

  /** A list of rules; {@code withResult}: each names its result, else each means BLOCKED. */
  List<ResponseRule> ruleList(CatalogField list, boolean withResult) {
    if (!list.node.isArray() || list.node.isEmpty()) {
      throw list.fail("must be a non-empty list of rules");
    }
    List<ResponseRule> rules = new ArrayList<>();
    for (CatalogField r : list.items()) {
      rules.add(rule(r, withResult));
    }
    return rules;
  }

  private static ResponseRule rule(CatalogField r, boolean withResult) {
    r.requireObject().allowOnly(withResult ? RULE_FIELDS : BLOCKED_FIELDS);
    CheckStatus result = withResult ? r.required("result").status() : CheckStatus.BLOCKED;
    IntPredicate statuses = r.optional("status").map(ProbeParser::statuses).orElse(null);
    ResponseRule.JsonCondition json = r.optional("json").map(ProbeParser::json).orElse(null);
    List<String> bodyContains =
        r.optional("body_contains").map(CatalogField::texts).orElse(List.of());
    List<String> bodyEquals = r.optional("body_equals").map(CatalogField::texts).orElse(List.of());
    Pattern bodyMatches = r.optional("body_matches").map(CatalogField::pattern).orElse(null);
    List<ResponseRule.HeaderCondition> headers =
        r.optional("header")
            .map(
                h ->
                    h.node.isArray()
                        ? h.items().stream().map(ProbeParser::header).toList()
                        : List.of(header(h)))
            .orElse(List.of());
    if (statuses == null
        && json == null
        && bodyContains.isEmpty()
        && bodyEquals.isEmpty()
        && bodyMatches == null
        && headers.isEmpty()) {
      throw r.fail(
          "needs at least one condition: status, json, body_contains, body_equals, body_matches"
              + " or header");
    }
    String detail = r.optional("detail").map(CatalogField::text).orElse("");
    return new ResponseRule(
        statuses, json, bodyContains, bodyEquals, bodyMatches, headers, result, detail);
  }

  private static ResponseRule.HeaderCondition header(CatalogField h) {
    h.requireObject().allowOnly(HEADER_FIELDS);
    String name = h.required("name").text();
    Boolean exists = h.optional("exists").map(CatalogField::bool).orElse(null);
    String equals = h.optional("equals").map(CatalogField::text).orElse(null);
    String contains = h.optional("contains").map(CatalogField::text).orElse(null);
    Pattern matches = h.optional("matches").map(CatalogField::pattern).orElse(null);
    if (exists == null && equals == null && contains == null && matches == null) {
      throw h.fail("needs exists, equals, contains or matches");
    }
    return new ResponseRule.HeaderCondition(name, exists, equals, contains, matches);
  }

  private static IntPredicate statuses(CatalogField field) {
    List<CatalogField> items = field.node.isArray() ? field.items() : List.of(field);
    IntPredicate any = status -> false;
    for (CatalogField item : items) {
      IntPredicate one;
      if (item.node.isInt()) {
        int code = item.integer(100, 599);
        one = status -> status == code;
      } else {
        java.util.regex.Matcher m = STATUS_CLASS.matcher(item.text());
        if (!m.matches()) {
          throw item.fail("must be an HTTP status (404) or a class (4xx)");
        }
        int hundreds = Integer.parseInt(m.group(1));
        one = status -> status / 100 == hundreds;
      }
      any = any.or(one);
    }
    return any;
  }

  private static ResponseRule.JsonCondition json(CatalogField j) {
    j.requireObject().allowOnly(JSON_FIELDS);
    JsonPointer pointer = pointer(j.required("pointer"));
    List<JsonNode> equals = j.optional("equals").map(CatalogField::values).orElse(List.of());
    List<JsonNode> notEquals = j.optional("not_equals").map(CatalogField::values).orElse(List.of());
    Boolean exists = j.optional("exists").map(CatalogField::bool).orElse(null);
    if (equals.isEmpty() && notEquals.isEmpty() && exists == null) {
      throw j.fail("needs equals, not_equals or exists");
    }
    return new ResponseRule.JsonCondition(pointer, equals, notEquals, exists);
  }

  private static JsonPointer pointer(CatalogField field) {
    JsonPointer pointer;
    try {
      pointer = JsonPointer.compile(field.text());
    } catch (IllegalArgumentException e) {
      throw field.fail("must be a JSON pointer starting with '/' (like /total_count)");
    }
    if (pointer.matches()) {
      throw field.fail("must point inside the document (like /total_count)");
    }
    return pointer;
  }
}

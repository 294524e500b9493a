package dev.socialcheck.server.checkers;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import dev.socialcheck.server.engine.CheckStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;

/**
 * One "if the answer looks like this, the status is that" rule of a probe. All the conditions a
 * rule sets must hold; conditions it leaves out are ignored.
 *
 * @param statuses matches the HTTP status, if set
 * @param json matches a value inside a JSON body, if set (never an HTML body)
 * @param bodyContains matches if the body contains any of these strings (case-sensitive), if
 *     non-empty
 * @param bodyEquals matches if the body, without surrounding white space, is one of these, if
 *     non-empty
 * @param bodyMatches matches if this linear-time (RE2) expression is found in the body, if set
 * @param headers every one of these must match, if non-empty
 * @param result the status to report when the rule matches
 * @param detail text for the result's detail; empty: {@code HTTP <status>}
 */
public record ResponseRule(
    @Nullable IntPredicate statuses,
    @Nullable JsonCondition json,
    List<String> bodyContains,
    List<String> bodyEquals,
    @Nullable Pattern bodyMatches,
    List<HeaderCondition> headers,
    CheckStatus result,
    String detail) {

  public ResponseRule {
    bodyContains = List.copyOf(bodyContains);
    bodyEquals = List.copyOf(bodyEquals);
    headers = List.copyOf(headers);
    requireNonNull(result, "result");
    requireNonNull(detail, "detail");
  }

  /** A condition on the value at a JSON pointer. */
  public record JsonCondition(
      JsonPointer pointer,
      List<JsonNode> equalsAny,
      List<JsonNode> equalsNone,
      @Nullable Boolean exists) {

    public JsonCondition {
      equalsAny = List.copyOf(equalsAny);
      equalsNone = List.copyOf(equalsNone);
    }

    boolean matches(JsonNode document) {
      JsonNode value = document.at(pointer);
      boolean present = !value.isMissingNode();
      if (exists != null && exists != present) {
        return false;
      }
      if (!equalsAny.isEmpty() && (!present || equalsAny.stream().noneMatch(v -> same(v, value)))) {
        return false;
      }
      return equalsNone.stream().noneMatch(v -> present && same(v, value));
    }

    /** Equality that treats 0, 0.0 and 0L as the same number. */
    private static boolean same(JsonNode expected, JsonNode actual) {
      if (expected.isNumber() && actual.isNumber()) {
        return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
      }
      return expected.equals(actual);
    }
  }

  /**
   * A condition on a response header (name case-insensitive); any of its values may match. Set
   * conditions must all hold: {@code exists}, {@code equals} (case-insensitive, surrounding white
   * space ignored), {@code contains} (case-insensitive), {@code matches} (RE2, found anywhere).
   */
  public record HeaderCondition(
      String name,
      @Nullable Boolean exists,
      @Nullable String equalsValue,
      @Nullable String contains,
      @Nullable Pattern matches) {

    public HeaderCondition {
      requireNonNull(name, "name");
    }

    boolean matches(ProbeResponse response) {
      List<String> values = response.headers().allValues(name);
      if (exists != null && exists == values.isEmpty()) {
        return false;
      }
      if (equalsValue == null && contains == null && matches == null) {
        return true;
      }
      return values.stream().anyMatch(this::valueMatches);
    }

    private boolean valueMatches(String value) {
      if (equalsValue != null && !value.strip().equalsIgnoreCase(equalsValue.strip())) {
        return false;
      }
      if (contains != null
          && !value.toLowerCase(Locale.ROOT).contains(contains.toLowerCase(Locale.ROOT))) {
        return false;
      }
      return matches == null || matches.matcher(value).find();
    }
  }

  boolean matches(ProbeResponse response) {
    if (statuses != null && !statuses.test(response.status())) {
      return false;
    }
    for (HeaderCondition header : headers) {
      if (!header.matches(response)) {
        return false;
      }
    }
    if (json != null) {
      Optional<JsonNode> document = response.json();
      if (document.isEmpty() || !json.matches(document.get())) {
        return false;
      }
    }
    if (!bodyEquals.isEmpty() && !bodyEquals.contains(response.text().strip())) {
      return false;
    }
    if (bodyMatches != null && !bodyMatches.matcher(response.text()).find()) {
      return false;
    }
    return bodyContains.isEmpty() || bodyContains.stream().anyMatch(response.text()::contains);
  }
}

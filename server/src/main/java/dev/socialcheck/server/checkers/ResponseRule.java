package dev.socialcheck.server.checkers;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.socialcheck.server.engine.CheckStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.IntPredicate;
import org.jspecify.annotations.Nullable;

/**
 * One "if the answer looks like this, the status is that" rule of a probe. All the conditions a
 * rule sets must hold; conditions it leaves out are ignored.
 *
 * @param statuses matches the HTTP status, if set
 * @param json matches a value inside a JSON body, if set
 * @param bodyContains matches if the body contains any of these strings (case-sensitive), if
 *     non-empty
 * @param result the status to report when the rule matches
 * @param detail text for the result's detail; empty: {@code HTTP <status>}
 */
public record ResponseRule(
    @Nullable IntPredicate statuses,
    @Nullable JsonCondition json,
    List<String> bodyContains,
    CheckStatus result,
    String detail) {

  public ResponseRule {
    bodyContains = List.copyOf(bodyContains);
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

  boolean matches(ProbeResponse response) {
    if (statuses != null && !statuses.test(response.status())) {
      return false;
    }
    if (json != null) {
      Optional<JsonNode> document = response.json();
      if (document.isEmpty() || !json.matches(document.get())) {
        return false;
      }
    }
    return bodyContains.isEmpty() || bodyContains.stream().anyMatch(response.text()::contains);
  }
}

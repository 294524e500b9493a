package dev.socialcheck.server.checkers;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.Optional;

/** How a probe step takes one value out of an answer. */
public sealed interface Extractor {

  /** The value, or empty when the answer does not hold it. */
  Optional<String> extract(ProbeResponse response, CookieJar cookies);

  /** What is extracted, for messages ({@code regex}, {@code cookie sessionid}, ...). */
  String describe();

  /**
   * The first group of the first match of a linear-time (RE2) regular expression in the body read.
   */
  record Regex(Pattern pattern) implements Extractor {
    public Regex {
      requireNonNull(pattern, "pattern");
      if (pattern.groupCount() < 1) {
        throw new IllegalArgumentException(
            "needs a group: the value is what its first (...) matches");
      }
    }

    @Override
    public Optional<String> extract(ProbeResponse response, CookieJar cookies) {
      Matcher m = pattern.matcher(response.text());
      if (!m.find()) {
        return Optional.empty();
      }
      String value = m.group(1);
      return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    @Override
    public String describe() {
      return "regex";
    }
  }

  /** The value of a cookie the platform set during this check (at any step or redirect). */
  record Cookie(String name) implements Extractor {
    public Cookie {
      requireNonNull(name, "name");
    }

    @Override
    public Optional<String> extract(ProbeResponse response, CookieJar cookies) {
      return cookies.value(name);
    }

    @Override
    public String describe() {
      return "cookie " + name;
    }
  }

  /** The first value of a response header. */
  record Header(String name) implements Extractor {
    public Header {
      requireNonNull(name, "name");
    }

    @Override
    public Optional<String> extract(ProbeResponse response, CookieJar cookies) {
      return response.headers().firstValue(name).filter(v -> !v.isEmpty());
    }

    @Override
    public String describe() {
      return "header " + name;
    }
  }

  /** The value at a JSON pointer of a JSON body (text as is, numbers and booleans as written). */
  record Json(JsonPointer pointer) implements Extractor {
    public Json {
      requireNonNull(pointer, "pointer");
    }

    @Override
    public Optional<String> extract(ProbeResponse response, CookieJar cookies) {
      return response
          .json()
          .map(document -> document.at(pointer))
          .filter(JsonNode::isValueNode)
          .filter(value -> !value.isNull())
          .map(JsonNode::asText)
          .filter(value -> !value.isEmpty());
    }

    @Override
    public String describe() {
      return "json " + pointer;
    }
  }
}

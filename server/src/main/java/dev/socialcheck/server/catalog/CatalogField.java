package dev.socialcheck.server.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.socialcheck.server.checkers.ProbeTemplate;
import dev.socialcheck.server.engine.CheckStatus;
import dev.socialcheck.server.engine.DurationText;
import dev.socialcheck.server.engine.EmailAddress;
import dev.socialcheck.server.spi.SettingsField;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A node of a catalog with the path that leads to it, for precise error messages. Providers of
 * checker types see it as a {@link SettingsField} ({@link #asSettings()}).
 */
final class CatalogField {
  final String where;
  final String path;
  final JsonNode node;

  /** The folder relative file paths resolve against; {@code null}: the working directory. */
  private final @Nullable Path base;

  CatalogField(String where, String path, JsonNode node) {
    this(where, path, node, null);
  }

  CatalogField(String where, String path, JsonNode node, @Nullable Path base) {
    this.where = where;
    this.path = path;
    this.node = node;
    this.base = base;
  }

  CatalogException fail(String message) {
    return new CatalogException(where + (path.isEmpty() ? "" : ": " + path) + ": " + message);
  }

  CatalogField at(String name) {
    JsonNode child = node.path(name);
    return new CatalogField(where, path.isEmpty() ? name : path + "." + name, child, base);
  }

  CatalogField index(int i) {
    return new CatalogField(where, path + "[" + i + "]", node.get(i), base);
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

  /** A mapping's entries in document order. */
  List<CatalogField> entries() {
    requireObject();
    List<CatalogField> entries = new ArrayList<>();
    node.fieldNames().forEachRemaining(name -> entries.add(at(name)));
    return entries;
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

  /** A status a checker or a rule may answer: not one of those the engine sets. */
  CheckStatus status() {
    String text = text();
    CheckStatus status;
    try {
      status = CheckStatus.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw fail(
          "unknown status '"
              + text
              + "'; use FOUND, NOT_FOUND, RATE_LIMITED, BLOCKED, INVALID or ERROR");
    }
    if (status == CheckStatus.TIMEOUT
        || status == CheckStatus.CANCELLED
        || status == CheckStatus.SKIPPED) {
      throw fail(status + " is set by the engine, not by a catalog");
    }
    return status;
  }

  /** A path; relative ones resolve against the catalog file's folder. */
  Path file() {
    String text = text();
    Path file;
    try {
      file = Path.of(text);
    } catch (InvalidPathException e) {
      throw fail("not a file path: " + e.getReason());
    }
    return base == null || file.isAbsolute() ? file : base.resolve(file);
  }

  /** This field as checker providers see it. */
  SettingsField asSettings() {
    return new Settings(this);
  }

  /** The field of a {@link SettingsField}, if it is one of the catalog's. */
  static Optional<CatalogField> of(SettingsField field) {
    return field instanceof Settings settings ? Optional.of(settings.field) : Optional.empty();
  }

  /** The public view of a field: every read is the catalog's own. */
  private record Settings(CatalogField field) implements SettingsField {
    @Override
    public String path() {
      return field.path;
    }

    @Override
    public String name() {
      return field.name();
    }

    @Override
    public RuntimeException fail(String message) {
      return field.fail(message);
    }

    @Override
    public SettingsField required(String name) {
      return field.required(name).asSettings();
    }

    @Override
    public Optional<SettingsField> optional(String name) {
      return field.optional(name).map(CatalogField::asSettings);
    }

    @Override
    public SettingsField allowOnly(Set<String> allowed) {
      field.requireObject().allowOnly(allowed);
      return this;
    }

    @Override
    public boolean isMapping() {
      return field.node.isObject();
    }

    @Override
    public boolean isList() {
      return field.node.isArray();
    }

    @Override
    public List<SettingsField> entries() {
      return field.entries().stream().map(CatalogField::asSettings).toList();
    }

    @Override
    public List<SettingsField> items() {
      if (!field.node.isArray()) {
        throw field.fail("must be a list");
      }
      return field.items().stream().map(CatalogField::asSettings).toList();
    }

    @Override
    public String text() {
      return field.text();
    }

    @Override
    public List<String> texts() {
      return field.texts();
    }

    @Override
    public double number() {
      return field.number();
    }

    @Override
    public int integer(int min, int max) {
      return field.integer(min, max);
    }

    @Override
    public boolean bool() {
      return field.bool();
    }

    @Override
    public Duration duration() {
      return field.duration();
    }

    @Override
    public Duration positiveDuration() {
      return field.positiveDuration();
    }

    @Override
    public CheckStatus status() {
      return field.status();
    }

    @Override
    public EmailAddress email() {
      return field.email();
    }

    @Override
    public Path file() {
      return field.file();
    }

    @Override
    public String toString() {
      return "SettingsField[" + field.where + ": " + field.path + "]";
    }
  }
}

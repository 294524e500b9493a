package dev.socialcheck.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One run of the command line in this process, with what it printed: the way people see it, minus
 * the JVM exit.
 *
 * @param exit the exit status {@code socialcheck} would end with
 * @param out what went to standard output
 * @param err what went to standard error
 */
record CliRun(int exit, String out, String err) {

  /** Runs {@code args} with built-in defaults only and no terminal (no progress, no hooks). */
  static CliRun of(String... args) {
    return of(Terminal.none(), args);
  }

  /** Runs {@code args} on {@code terminal}. */
  static CliRun of(Terminal terminal, String... args) {
    return of(terminal, new StringWriter(), args);
  }

  /** Runs {@code args} on {@code terminal}, writing standard error to {@code err} as it goes. */
  static CliRun of(Terminal terminal, StringWriter err, String... args) {
    StringWriter out = new StringWriter();
    CommandLine commandLine = Main.commandLine(ConfigDefaults.none(), terminal);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exit = commandLine.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** The lines of standard error. */
  java.util.List<String> errLines() {
    return err.lines().toList();
  }
}

package dev.focus.cli;

import dev.focus.io.IoErrors;
import dev.focus.io.Text;
import dev.focus.md.MathMarkdown;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code focus md [FILE]}: Markdown with math (file or standard input, UTF-8) to a sanitised HTML
 * fragment on standard output, exactly {@link MathMarkdown#render}'s result and nothing else.
 */
@Command(name = "md", mixinStandardHelpOptions = true,
    description = {"Render Markdown with math to a sanitised HTML fragment on standard output.",
        "Reads FILE, or standard input when FILE is absent or '-'. Input and output are UTF-8."})
public final class MdCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "Markdown file (default: standard input).") String file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    String markdown;
    if (file == null || file.equals("-")) {
      try {
        markdown = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(System.in.readAllBytes())).toString();
      } catch (java.nio.charset.CharacterCodingException e) {
        throw new Main.UserException("standard input is not UTF-8 text; convert it (for example with iconv) and try again");
      }
    } else {
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) throw new Main.UserException("no such file: " + Text.quote(file));
      try {
        markdown = Files.readString(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw IoErrors.at(path, e);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(MathMarkdown.create().render(markdown));
    out.flush();
    return Main.EXIT_OK;
  }
}

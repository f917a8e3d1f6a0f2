package dev.spindle.samples.tour;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Java block of the READMEs is the text of a compiled, tested file. A block names its file
 * in an HTML comment on the line before its fence, {@code <!-- snippet: samples/src/main/java/.../X.java -->},
 * and must be that whole file (trailing blank lines aside). A Java block without that line fails,
 * so no untested code reaches a README.
 */
class ReadmeSnippetsTest {

    /** The repository: the samples module's parent (Surefire runs in the module's directory). */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```java\\s*$");
    private static final Pattern SOURCE = Pattern.compile("^\\s*<!-- snippet: (\\S+) -->\\s*$");

    @Test
    void everyJavaBlockOfTheReadmesShouldBeTheTextOfItsFile() throws IOException {
        assertThat(javaBlocks("README.md")).as("Java blocks in README.md").hasSizeGreaterThanOrEqualTo(4);
        List<String> problems = new ArrayList<>(problems("README.md"));
        problems.addAll(problems("perf/README.md"));
        assertThat(problems).as("README blocks that are not their files' text").isEmpty();
    }

    @Test
    void shouldReportABlockThatDiffersFromItsFileAndOneThatNamesNone() throws IOException {
        String file = "samples/src/main/java/dev/spindle/samples/tour/FirstActor.java";
        String same = Files.readString(ROOT.resolve(file));
        Path readme = Files.createTempFile(ROOT.resolve("samples/target"), "README", ".md");
        try {
            Files.writeString(readme, "# A README\n\n<!-- snippet: " + file + " -->\n```java\n" + same + "\n\n```\n\n"
                    + "<!-- snippet: " + file + " -->\n```java\n" + same.replace("37", "38") + "```\n\n"
                    + "<!-- snippet: samples/Missing.java -->\n```java\nclass Missing {}\n```\n\n"
                    + "   ```java\n   int untested;\n   ```\n");
            List<String> problems = problems(ROOT.relativize(readme).toString());
            assertThat(problems).hasSize(3);
            int changed = same.lines().toList().indexOf("            counter.tell(new Counter.Add(37));") + 1;
            assertThat(changed).as("the line the test changes").isPositive();
            assertThat(problems.get(0)).contains(": differs from " + file + ", line " + changed + " of the block: the file has "
                    + "\"            counter.tell(new Counter.Add(37));\", the README \"            counter.tell(new Counter.Add(38));\"");
            assertThat(problems.get(1)).endsWith(": no file samples/Missing.java");
            assertThat(problems.get(2)).contains("a Java block with no <!-- snippet: path --> line before it");
        } finally {
            Files.delete(readme);
        }
    }

    /** A Java block: where its fence is, what it says, and the file it names (null: none). */
    private record Block(int line, String text, String file) {
    }

    /** {@return what is wrong with the Java blocks of {@code readme}, one line each} */
    private static List<String> problems(String readme) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Block block : javaBlocks(readme)) {
            String where = readme + ":" + block.line() + ": ";
            Path file = block.file() == null ? null : ROOT.resolve(block.file());
            if (file == null) {
                problems.add(where + "a Java block with no <!-- snippet: path --> line before it");
            } else if (!Files.isRegularFile(file)) {
                problems.add(where + "no file " + block.file());
            } else {
                String expected = Files.readString(file).stripTrailing();
                if (!expected.equals(block.text().stripTrailing())) {
                    problems.add(where + "differs from " + block.file() + ", " + firstDifference(expected, block.text()));
                }
            }
        }
        return problems;
    }

    /** {@return the Java blocks of a README (a fenced block's indentation removed)} */
    private static List<Block> javaBlocks(String readme) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(readme));
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                continue;
            }
            String indent = fence.group(1);
            int start = i;
            List<String> body = new ArrayList<>();
            for (i++; i < lines.size() && !lines.get(i).equals(indent + "```"); i++) {
                body.add(lines.get(i).startsWith(indent) ? lines.get(i).substring(indent.length()) : lines.get(i));
            }
            assertThat(i).as("%s:%d: a Java block that never ends", readme, start + 1).isLessThan(lines.size());
            Matcher source = start > 0 ? SOURCE.matcher(lines.get(start - 1)) : null;
            blocks.add(new Block(start + 1, String.join("\n", body), source != null && source.matches() ? source.group(1) : null));
        }
        return blocks;
    }

    private static String firstDifference(String expected, String actual) {
        List<String> want = expected.lines().toList();
        List<String> got = actual.lines().toList();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            String w = i < want.size() ? want.get(i) : "(end)";
            String g = i < got.size() ? got.get(i) : "(end)";
            if (!w.equals(g)) {
                return "line " + (i + 1) + " of the block: the file has \"" + w + "\", the README \"" + g + "\"";
            }
        }
        return "in trailing whitespace";
    }
}

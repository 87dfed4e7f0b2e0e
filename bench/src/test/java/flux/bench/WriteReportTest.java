package flux.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteReportTest {

    @Test
    void severalRoundsAreSummarizedAsMedianAndRangeOneAsItIs() {
        assertThat(WriteReport.summary(List.of(1.0))).isEqualTo("1.00");
        assertThat(WriteReport.summary(List.of(1.2, 0.8, 1.0))).isEqualTo("1.00 (0.80 - 1.20)");
        assertThat(WriteReport.summary(List.of(0.9, 1.1, Double.NaN, 1.0, 1.3))).isEqualTo("1.05 (0.90 - 1.30)");
        assertThat(WriteReport.summary(List.of(Double.NaN))).isEqualTo("-");
    }

    @Test
    void ratiosPairCellsOfTheSameRound() {
        // Round 1 ran on a fast machine, round 2 on a slow one: within each round (c) is half of (a).
        List<WriteBench.Row> rows = List.of(
                row(1, "a", 16, 1000), row(1, "c", 16, 500), row(1, "c", 64, 450),
                row(2, "a", 16, 400), row(2, "c", 16, 200), row(2, "c", 64, 200));
        StringWriter text = new StringWriter();
        new WriteReport(rows, List.of("insert"), List.of(16, 64), 2, Map.of("a", "(a)", "c", "(c)"))
                .print(new PrintWriter(text));
        assertThat(text.toString())
                .contains("| insert | 16 | 0.50 (0.50 - 0.50) |")
                .contains("| 2 | insert | 16 | 0.50 |")
                .contains("| insert | 64 | 0.95 (0.90 - 1.00) |");
    }

    private static WriteBench.Row row(int round, String mode, int clients, double opsPerSecond) {
        return new WriteBench.Row(round, "insert", clients, mode,
                new LoadRunner.Cell(opsPerSecond, 1, 2, 100, 10, 10, 1024), 2, 100);
    }
}

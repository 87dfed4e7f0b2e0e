package flux.app.console;

import flux.console.backup.Progress;
import java.io.PrintWriter;

/**
 * A backup's or restore's progress on a terminal: one line redrawn in place on standard error
 * ({@code [#########-----------]  45%  12,000 / 26,500}). Off a terminal (a pipe, CI) it draws
 * nothing: the command's last line says what was done.
 */
final class ProgressBar implements Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private long total;
    private long done;
    private int drawn = -1;

    private ProgressBar(PrintWriter err) {
        this.err = err;
    }

    static Progress on(PrintWriter err) {
        return System.console() == null ? Progress.NONE : new ProgressBar(err);
    }

    @Override
    public void total(long units) {
        total = units;
        draw();
    }

    @Override
    public void advance(long units) {
        done += units;
        draw();
    }

    private void draw() {
        int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        if (percent == drawn) {
            return;
        }
        drawn = percent;
        int filled = percent * WIDTH / 100;
        err.printf("\r[%s%s] %3d%%  %,d / %,d", "#".repeat(filled), "-".repeat(WIDTH - filled), percent, done, total);
        if (percent == 100) {
            err.println();
        }
        err.flush();
    }
}

package flux.app.cli.state;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flux state ...}: what happened to a row, asked of a running server (docs/history.md). */
@Command(name = "state",
        mixinStandardHelpOptions = true,
        description = "Row history, column blame, as-of reads and request trails, from a running server (FLUX_URL).",
        subcommands = {
                StateHistoryCommand.class,
                StateBlameCommand.class,
                StateShowCommand.class,
                StateRequestCommand.class,
                StateUndoCommand.class,
                StateRestoreCommand.class,
                StateDiffCommand.class,
        })
public final class StateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

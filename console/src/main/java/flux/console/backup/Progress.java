package flux.console.backup;

/** Told how much a backup or restore has to do and how far it got (rows and history records). */
public interface Progress {
    Progress NONE = new Progress() {
        @Override
        public void total(long units) {
        }

        @Override
        public void advance(long units) {
        }
    };

    void total(long units);

    void advance(long units);
}

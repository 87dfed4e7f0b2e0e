package flux.migrate;

/** A file that was already applied has changed since; nothing was run. */
public final class ChecksumConflict extends MigrationException {
    private final String file;
    private final String appliedChecksum;
    private final String fileChecksum;

    ChecksumConflict(String file, String appliedName, String version, String appliedChecksum, String fileChecksum) {
        super(file.equals(appliedName)
                ? "migration " + file + " (version " + version + ") was edited after it was applied: ledger checksum "
                + appliedChecksum + ", file checksum " + fileChecksum
                + "; nothing was run. Restore the file (git checkout) and put the change in a new migration;"
                + " if the edit is cosmetic and the database already matches it, accept the new checksum with"
                + " `flux db migrate --accept-checksum " + version + "`"
                : "migration " + file + " has version " + version + ", which was applied from " + appliedName
                + " with other text: ledger checksum " + appliedChecksum + ", file checksum " + fileChecksum
                + "; nothing was run. Give " + file + " an unused number; if it is " + appliedName
                + " renamed and only reformatted, accept it with `flux db migrate --accept-checksum " + version + "`");
        this.file = file;
        this.appliedChecksum = appliedChecksum;
        this.fileChecksum = fileChecksum;
    }

    public String file() {
        return file;
    }

    public String appliedChecksum() {
        return appliedChecksum;
    }

    public String fileChecksum() {
        return fileChecksum;
    }
}

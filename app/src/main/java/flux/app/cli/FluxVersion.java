package flux.app.cli;

import picocli.CommandLine;

final class FluxVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = FluxVersion.class.getPackage().getImplementationVersion();
        return new String[] {"flux " + (version == null ? "dev" : version)};
    }
}

package io.till.database;

import java.nio.file.Path;

/** Another Till process already runs on this data directory; starting a second one would corrupt its database. */
public class DataDirectoryInUseException extends RuntimeException {

    private final Path directory;

    public DataDirectoryInUseException(Path directory) {
        super("Another Till is already running on the data directory " + directory);
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}

package io.till.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a second start on a busy data directory into a short explanation instead of a stack trace. */
class DataDirectoryInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirectoryInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataDirectoryInUseException cause) {
        return new FailureAnalysis(
            "Another Till is already running on the data directory " + cause.directory()
                + " (it holds the lock file till.lock). Two processes on one embedded database would corrupt it.",
            "Stop the other Till first, or give this one its own directory with TILL_DATA_DIR,"
                + " or point both at one shared PostgreSQL server with TILL_DATABASE_URL.",
            cause);
    }
}

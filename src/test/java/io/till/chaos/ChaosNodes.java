package io.till.chaos;

import io.till.testing.ChildTills;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The Till processes of the chaos suite: each node keeps its port across restarts, writes its output to a log of its
 * own, and can be killed (SIGKILL), paused (SIGSTOP) and resumed (SIGCONT).
 */
final class ChaosNodes implements AutoCloseable {

    /** One node: its current process and the file its output goes to. */
    static final class Node {
        final int index;
        final int port;
        final Path log;
        volatile Process process;
        volatile boolean paused;

        Node(int index, int port, Path log) {
            this.index = index;
            this.port = port;
            this.log = log;
        }

        String baseUrl() {
            return "http://127.0.0.1:" + port;
        }

        /** What the node has printed so far. */
        String output() {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final ChaosDatabase database;
    private final String masterKey;
    private final List<String> args;
    private final List<Node> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ChaosNodes(ChaosDatabase database, String masterKey, List<String> args, int count, Path logs) throws IOException {
        this.database = database;
        this.masterKey = masterKey;
        this.args = args;
        for (int i = 0; i < count; i++) {
            try (var socket = new ServerSocket(0)) {
                nodes.add(new Node(i, socket.getLocalPort(), logs.resolve("node-" + i + ".log")));
            }
        }
    }

    List<Node> all() {
        return nodes;
    }

    Node get(int index) {
        return nodes.get(index);
    }

    /** Starts (or starts again) a node on its port, with extra JVM flags; does not wait for it. */
    void start(Node node, List<String> jvmFlags) throws IOException {
        var nodeArgs = new ArrayList<>(args);
        nodeArgs.add("--server.port=" + node.port);
        // Nodes are started six times or more per run on a small machine: start fast rather than peak fast.
        var flags = new ArrayList<>(ChildTills.quickStart("-Dtill.test.node=node-" + node.index));
        flags.addAll(jvmFlags);
        node.process = ChildTills.start(database.jdbcUrl(), "postgres", masterKey, flags, nodeArgs, node.log);
    }

    /** Waits until the node answers ready, failing with its output if it dies or five minutes pass. */
    void awaitReady(Node node) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        var request = HttpRequest.newBuilder(URI.create(node.baseUrl() + "/actuator/health/readiness"))
            .timeout(Duration.ofSeconds(5)).build();
        while (true) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Still starting.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (!node.process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("node " + node.index + " did not get ready; its output:\n" + node.output());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    /** SIGKILL, then waits for the process to be gone. */
    void kill(Node node) throws InterruptedException {
        node.process.destroyForcibly();
        node.process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process is frozen in place, its connections open and its leases running out. */
    void pause(Node node) throws IOException, InterruptedException {
        signal(node, "STOP");
        node.paused = true;
    }

    /** SIGCONT. */
    void resume(Node node) throws IOException, InterruptedException {
        signal(node, "CONT");
        node.paused = false;
    }

    private static void signal(Node node, String signal) throws IOException, InterruptedException {
        // ProcessHandle can only terminate a process; stopping and continuing it takes kill(1).
        var kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(node.process.pid()))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + node.process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        for (Node node : nodes) {
            if (node.process != null) {
                if (node.paused) {
                    resume(node);
                }
                node.process.destroyForcibly();
                node.process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}

package io.till.shared;

import java.time.Instant;
import java.util.Optional;

/**
 * Work that falls due with time (billing jobs, automation timers and schedules). The sandbox test clock moves from
 * one due time to the next across every agenda, running what is due at each, so that their work interleaves as it
 * would in real time.
 */
public interface Agenda {

    /** When the earliest piece of work falls due, if any is waiting. */
    Optional<Instant> nextDue();

    /** Runs everything due now, including what that work makes due at once; returns how much ran. */
    int runDue();

    /**
     * The sandbox's test clock has just jumped from {@code from} to {@code to}: work a node holds under a lease (in
     * Till's time) keeps the real time that was left on it, so that the jump does not hand it to another node while
     * the first still performs it. When the earliest piece of work is due ({@link #nextDue}) leaves out work held so.
     */
    default void clockMoved(Instant from, Instant to) {}
}

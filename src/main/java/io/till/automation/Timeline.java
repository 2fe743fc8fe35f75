package io.till.automation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;

/** A run's log as the steps of its page: what each got and gave, how long it took, and how it failed, in words. */
final class Timeline {

    /**
     * One line of the timeline; {@code input} and {@code output} are indented JSON, null when empty. {@code outcome}
     * is the word of its badge: its status, except for a charge the bank declined ("declined": the step did its work,
     * the money did not come), a wait a later line shows over ("waited") and a wait its run ended with ("canceled").
     * {@code retried}: a failed attempt that a later attempt of the same step followed. A wait that is over is one
     * entry from {@code startedAt} to {@code endedAt} (null for any other). {@code message} is what an action that
     * succeeded sent or did, as the Test tab shows it (an email's recipient, subject and body), null when it has
     * nothing to show; {@code mailboxId} the dev mailbox's copy of an email, if it went there.
     */
    record Entry(int seq, String stepId, String title, String kind, String status, String outcome, int attempt,
        String iteration, String input, String output, StepErrors.Words error, boolean retried, Instant startedAt,
        Instant endedAt, String duration, String note, TestedFlow.Outcome message, String mailboxId) {

        /** This entry with {@code said} as what it sent. */
        Entry with(TestedFlow.Outcome said) {
            return new Entry(seq, stepId, title, kind, status, outcome, attempt, iteration, input, output, error,
                retried, startedAt, endedAt, duration, note, said, mailboxId);
        }
    }

    private Timeline() {}

    static List<Entry> of(List<Execution.Step> steps) {
        return of(steps, null, null, Map.of());
    }

    static List<Entry> of(List<Execution.Step> steps, Execution.Step following, String runStatus) {
        return of(steps, following, runStatus, Map.of());
    }

    /**
     * The entries of some lines of a log; {@code following} is the line after the last of them, if any, as a retry of
     * the last one may follow it; {@code runStatus} is the run's, when these are its last lines (null otherwise);
     * {@code titles} says what each step is, by its id ("Post to Slack"), where the step's kind alone would not.
     */
    static List<Entry> of(List<Execution.Step> steps, Execution.Step following, String runStatus,
        Map<String, String> titles) {
        var later = new ArrayList<>(steps);
        if (following != null) {
            later.add(following);
        }
        var entries = new ArrayList<Entry>();
        for (int i = 0; i < steps.size(); i++) {
            var s = steps.get(i);
            var after = later.subList(i + 1, later.size());
            boolean retried = s.status().equals("failed") && after.stream()
                .anyMatch(next -> sameStep(next, s) && next.attempt() > s.attempt());
            boolean over = after.stream().anyMatch(next -> sameStep(next, s));
            if (over && waits(s) && steps.subList(i + 1, steps.size()).stream().anyMatch(next -> sameStep(next, s))) {
                // Shown once, on the line that ended it.
                continue;
            }
            Execution.Step begun = waits(s) && !s.status().equals("waiting")
                ? steps.subList(0, i).reversed().stream()
                    .filter(earlier -> sameStep(earlier, s) && earlier.status().equals("waiting"))
                    .findFirst().orElse(null)
                : null;
            String duration = begun != null
                ? duration(java.time.Duration.between(begun.startedAt(), s.startedAt()).toMillis())
                // Only an action's attempt takes time of its own; a branch or stop is a decision.
                : s.kind().equals("action") ? duration(s.durationMs()) : null;
            entries.add(new Entry(s.seq(), s.stepId(), titles.getOrDefault(s.stepId(), kindWords(s.kind())), s.kind(),
                s.status(), outcome(s, over, runStatus), s.attempt(), s.iteration(), shown(s.input()),
                shown(s.output()), StepErrors.of(s.error()), retried, begun == null ? s.startedAt() : begun.startedAt(),
                begun == null ? null : s.startedAt(), duration, note(s), message(s), mailboxId(s)));
        }
        return entries;
    }

    /**
     * The entries with the run's customer named where a step's message gives only their id (a task "about"
     * {@code cus_…}): staff know customers by name.
     */
    static List<Entry> naming(List<Entry> entries, String customerId, String name) {
        if (customerId == null || name == null) {
            return entries;
        }
        return entries.stream().map(entry -> {
            var message = entry.message();
            if (message == null || message.facts().stream().noneMatch(fact -> fact.value().equals(customerId))) {
                return entry;
            }
            var facts = message.facts().stream()
                .map(fact -> fact.value().equals(customerId) ? new TestedFlow.Fact(fact.label(), name) : fact)
                .toList();
            return entry.with(new TestedFlow.Outcome(message.tone(), message.item(), message.headline(), facts,
                message.text(), message.html(), message.json(), message.until()));
        }).toList();
    }

    private static boolean sameStep(Execution.Step a, Execution.Step b) {
        return a.stepId().equals(b.stepId()) && Objects.equals(a.iteration(), b.iteration());
    }

    /** A step whose log has a line when its waiting begins and another when it ends. */
    private static boolean waits(Execution.Step step) {
        return step.kind().equals("delay") || step.kind().equals("wait_for_event");
    }

    /** What an action that succeeded sent or did, from what it was given and what it answered. */
    private static TestedFlow.Outcome message(Execution.Step step) {
        if (!step.kind().equals("action") || !step.status().equals("succeeded") || declined(step)
            || step.input() == null || !step.input().isObject()) {
            return null;
        }
        var shown = step.input().deepCopy();
        if (step.output() != null && step.output().isObject()) {
            ((tools.jackson.databind.node.ObjectNode) shown).setAll((tools.jackson.databind.node.ObjectNode) step
                .output().deepCopy());
        }
        var said = TestedFlow.described("ok", null, shown);
        boolean sent = said.text() != null || said.html() != null;
        if (said.facts().isEmpty() && !sent) {
            return null;
        }
        String headline = !sent ? null : shown.has("subject") ? "Sent this email" : "Sent this message";
        return new TestedFlow.Outcome(said.tone(), null, headline, said.facts(), said.text(), said.html(), null, null);
    }

    private static String mailboxId(Execution.Step step) {
        return step.kind().equals("action") && step.output() != null
            ? step.output().path("dev_message_id").asString(null)
            : null;
    }

    /** A step's kind in words, for a step whose definition has nothing more to say. */
    static String kindWords(String kind) {
        return switch (kind) {
            case "action" -> "Action";
            case "delay" -> "Wait";
            case "branch" -> "If";
            case "loop" -> "For each";
            case "stop" -> "Stop";
            case "wait_for_event" -> "Wait for an event";
            default -> kind;
        };
    }

    /** What a waiting run waits for: a delay step, or the next attempt of a step that failed and is retried. */
    static String waitingFor(List<Execution.Step> steps) {
        return waitingFor(steps, Map.of());
    }

    /** {@link #waitingFor(List)}, a delay named as its automation's page draws it ({@code titles}, by step id). */
    static String waitingFor(List<Execution.Step> steps, Map<String, String> titles) {
        if (steps.isEmpty()) {
            return "Waiting";
        }
        Execution.Step last = steps.getLast();
        if (last.kind().equals("action") && last.status().equals("failed")) {
            return "Attempt " + (last.attempt() + 1) + " of step \u201c" + last.stepId() + "\u201d";
        }
        if (last.kind().equals("action") && last.status().equals("waiting")) {
            return "Step \u201c" + last.stepId() + "\u201d to be taken again: " + last.output().path("reason")
                .asString("what it waits for has not ended");
        }
        if (last.kind().equals("wait_for_event") && last.output() != null) {
            return "Event " + last.output().path("event").asString("") + " about this run's "
                + last.output().path("match").asString("customer").replace('_', ' ') + " (step \u201c"
                + last.stepId() + "\u201d), or its time to end";
        }
        String title = titles.get(last.stepId());
        return title == null
            ? "The delay of step \u201c" + last.stepId() + "\u201d to end"
            : "\u201c" + title + "\u201d to end (step " + last.stepId() + ")";
    }

    private static String outcome(Execution.Step step, boolean over, String runStatus) {
        if (declined(step)) {
            return "declined";
        }
        if (step.status().equals("waiting")) {
            if (over) {
                return "waited";
            }
            if ("canceled".equals(runStatus)) {
                return "canceled";
            }
        }
        return step.status();
    }

    /** An action that charged (retry_payment) and whose charge the bank declined: it succeeded, the payment did not. */
    private static boolean declined(Execution.Step step) {
        return step.kind().equals("action") && step.status().equals("succeeded") && step.output() != null
            && step.output().path("status").asString("").equals("declined");
    }

    private static String note(Execution.Step step) {
        if (declined(step)) {
            String code = step.output().path("failure_code").asString("");
            String why = code.isEmpty() ? "" : " (" + code + ")";
            return step.output().has("declined_just_before")
                ? "The retry schedule had just tried the card, and the bank declined it" + why + ": not charged "
                    + "again so soon"
                : "The card was declined" + why + "; nothing was charged";
        }
        if (step.kind().equals("delay") && step.status().equals("waiting")) {
            return "Waiting begins";
        }
        if (step.kind().equals("action") && step.status().equals("waiting") && step.output() != null) {
            return step.output().path("reason").asString(null);
        }
        if (step.kind().equals("wait_for_event") && step.output() != null) {
            if (step.status().equals("waiting")) {
                return "Waiting for " + step.output().path("event").asString("an event") + " begins";
            }
            if (step.output().has("received")) {
                return step.output().path("received").asBoolean() ? "The event came" : "No event came in time";
            }
        }
        if (step.kind().equals("branch") && step.output() != null && step.output().hasNonNull("taken")) {
            return "Took the \u201c" + step.output().get("taken").asString() + "\u201d path";
        }
        return null;
    }

    private static String shown(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || (node.isContainer() && node.isEmpty())) {
            return null;
        }
        return node.toPrettyString();
    }

    /** A duration as people say it: 85 ms, 2.4 s, 3 min, 2 h 5 min. */
    static String duration(long ms) {
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long minutes = ms / 60_000;
        if (minutes < 60) {
            return minutes + " min";
        }
        long hours = minutes / 60;
        return hours < 48 ? hours + " h " + (minutes % 60) + " min" : (hours / 24) + " days";
    }
}

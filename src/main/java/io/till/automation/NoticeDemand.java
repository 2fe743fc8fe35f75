package io.till.automation;

import io.till.billing.UpcomingNotices;
import io.till.event.EventType;
import java.util.HashSet;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The {@code days_before} that an account's automations ask of an upcoming event, so that the billing clock announces
 * it that far ahead too. Paused automations count (resuming one needs no new announcements); archived ones do not.
 */
@Component
class NoticeDemand implements UpcomingNotices.Demand {

    private final JdbcClient db;

    NoticeDemand(JdbcClient db) {
        this.db = db;
    }

    /**
     * Why an automation on an upcoming event starts nothing from this announcement of it, or null when it starts: it
     * hears only the announcement made its {@code days_before} ahead, or, without one, the account's standard notice (an
     * announcement without {@code days_before}, raised before Till had them, counts as the standard one); or a late one
     * ({@code announced_late}) made fewer days ahead than its notice, which had passed before there was anything to
     * announce.
     */
    static String mismatch(Definition.Trigger.OnEvent trigger, JsonNode data, UpcomingNotices notices) {
        var type = EventType.of(trigger.event()).filter(EventType::isUpcoming);
        if (type.isEmpty()) {
            return null;
        }
        int standard = notices.standardDays(type.get());
        int wanted = trigger.daysBefore() == null ? standard : trigger.daysBefore();
        JsonNode days = data == null ? null : data.get("days_before");
        int announced = days != null && days.isIntegralNumber() ? days.asInt() : standard;
        // A late one (the notice had passed when the trial began, the card was saved …) stands for every longer one.
        boolean late = data != null && data.path("announced_late").asBoolean(false);
        if (wanted == announced || late && wanted > announced) {
            return null;
        }
        return "It runs " + days(wanted) + " before" + (trigger.daysBefore() == null ? " (the standard notice)" : "")
            + "; this announcement came " + days(announced) + " before.";
    }

    private static String days(int days) {
        return days == 1 ? "1 day" : days + " days";
    }

    @Override
    public Set<Integer> daysBefore(String accountId, EventType type) {
        return new HashSet<>(db.sql("""
            SELECT DISTINCT CAST(v.definition -> 'trigger' ->> 'days_before' AS integer)
              FROM automations a
              JOIN automation_versions v ON v.automation_id = a.id AND v.version = a.active_version
             WHERE a.account_id = :accountId AND a.archived_at IS NULL
               AND v.definition -> 'trigger' ->> 'type' = 'event'
               AND v.definition -> 'trigger' ->> 'event' = :type
               AND jsonb_typeof(v.definition -> 'trigger' -> 'days_before') = 'number'
            """)
            .param("accountId", accountId)
            .param("type", type.type())
            .query(Integer.class)
            .list());
    }
}

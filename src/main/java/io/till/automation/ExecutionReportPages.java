package io.till.automation;

import io.till.account.Brandings;
import io.till.shared.Amounts;
import io.till.shared.Caller;
import io.till.shared.Timestamps;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The automation reports: runs per day by outcome (all automations or one), and what failed-payment automations
 * recovered by week next to what is still unpaid. Each chart's figures are in a data attribute read by
 * executions.js (the CSP allows no inline script) and again in a table under it, for screen readers and without
 * JavaScript.
 */
@Controller
class ExecutionReportPages {

    static final int DAYS = 30;
    static final int WEEKS = 12;

    private final ExecutionReports reports;
    private final Automations automations;
    private final Brandings brandings;
    private final JsonMapper json;
    private final Clock clock;

    ExecutionReportPages(ExecutionReports reports, Automations automations, Brandings brandings, JsonMapper json,
        Clock clock) {
        this.reports = reports;
        this.automations = automations;
        this.brandings = brandings;
        this.json = json;
        this.clock = clock;
    }

    /** A week of recovery as the table shows it. */
    record WeekRow(LocalDate week, long failed, long recovered, String recoveredAmount, long rate, long unpaid,
        String unpaidAmount) {}

    @GetMapping("/admin/executions/reports")
    String reports(Caller.Staff staff, @RequestParam(name = "automation", required = false) String automationId,
        Model model) {
        String accountId = staff.accountId();
        String chosen = automationId == null || automationId.isBlank() ? null : automationId.strip();
        if (chosen != null) {
            automations.get(accountId, chosen);
        }
        // Days are the store's: a seller in New York counts an evening's runs on that evening's day.
        ZoneId zone = brandings.zone(accountId);
        LocalDate today = LocalDate.ofInstant(Timestamps.now(clock), zone);
        LocalDate firstDay = today.minusDays(DAYS - 1);
        Instant end = ExecutionReports.startOf(today.plusDays(1), zone);
        var days = reports.runsPerDay(accountId, chosen, zone, ExecutionReports.startOf(firstDay, zone), end);
        LocalDate firstWeek = today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(WEEKS - 1);
        var weeks = reports.recovery(accountId, zone, ExecutionReports.startOf(firstWeek, zone), end);
        model.addAttribute("automations", AutomationNames.of(automations, accountId).including(chosen));
        model.addAttribute("chosen", chosen == null ? "" : chosen);
        model.addAttribute("days", days);
        model.addAttribute("runsChart", runsChart(days, firstDay, zone));
        model.addAttribute("weeks", weeks.stream()
            .map(w -> new WeekRow(w.week(), w.failed(), w.recovered(), Amounts.format(w.recoveredAmount(),
                w.currency()), w.rate(), w.unpaid(), Amounts.format(w.unpaidAmount(), w.currency())))
            .toList());
        model.addAttribute("recoveryChart", weeks.isEmpty() ? null : recoveryChart(weeks, firstWeek, zone));
        model.addAttribute("recoveryDays", ExecutionReports.RECOVERY_DAYS);
        return "automation/reports";
    }

    /** Runs per day over the whole window, days without runs as zeros, summed over the automations shown. */
    private String runsChart(List<ExecutionReports.DayCount> rows, LocalDate firstDay, ZoneId zone) {
        Map<LocalDate, long[]> byDay = new LinkedHashMap<>();
        for (int i = 0; i < DAYS; i++) {
            byDay.put(firstDay.plusDays(i), new long[5]);
        }
        for (var row : rows) {
            long[] sums = byDay.get(row.day());
            if (sums != null) {
                sums[0] += row.succeeded();
                sums[1] += row.stopped();
                sums[2] += row.failed();
                sums[3] += row.canceled();
                sums[4] += row.open();
            }
        }
        ObjectNode chart = json.createObjectNode().put("title", "Runs per day").put("style", "stacked")
            .put("unit", "runs")
            .put("zone", zone.getId());
        var x = chart.putArray("x");
        byDay.keySet().forEach(day -> x.add(ExecutionReports.startOf(day, zone).getEpochSecond()));
        String[] labels = {"Succeeded", "Stopped by an event", "Failed", "Canceled", "In progress"};
        String[] kinds = {"ok", "goal", "bad", "off", "warn"};
        var series = chart.putArray("series");
        for (int s = 0; s < labels.length; s++) {
            var one = series.addObject().put("label", labels[s]).put("kind", kinds[s]);
            var values = one.putArray("values");
            for (long[] sums : byDay.values()) {
                values.add(sums[s]);
            }
        }
        return json.writeValueAsString(chart);
    }

    /** Recovered and still unpaid amounts per week in the currency that failed most (the table has every one). */
    private String recoveryChart(List<ExecutionReports.WeekRecovery> weeks, LocalDate firstWeek, ZoneId zone) {
        String currency = weeks.stream()
            .collect(Collectors.groupingBy(ExecutionReports.WeekRecovery::currency,
                Collectors.summingLong(ExecutionReports.WeekRecovery::failed)))
            .entrySet()
            .stream()
            .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(
                Comparator.reverseOrder())))
            .orElseThrow()
            .getKey();
        double unit = Math.pow(10,
            Math.max(0, Currency.getInstance(currency.toUpperCase()).getDefaultFractionDigits()));
        ObjectNode chart = json.createObjectNode().put("title", "Recovered revenue by week").put("style", "bars")
            .put("unit", currency.toUpperCase()).put("zone", zone.getId());
        var x = chart.putArray("x");
        var recovered = new ArrayList<Double>();
        var unpaid = new ArrayList<Double>();
        for (int i = 0; i < WEEKS; i++) {
            LocalDate week = firstWeek.plusWeeks(i);
            x.add(ExecutionReports.startOf(week, zone).getEpochSecond());
            var found = weeks.stream().filter(w -> w.week().equals(week) && w.currency().equals(currency)).findFirst();
            recovered.add(found.map(w -> w.recoveredAmount() / unit).orElse(0.0));
            unpaid.add(found.map(w -> w.unpaidAmount() / unit).orElse(0.0));
        }
        var series = chart.putArray("series");
        var one = series.addObject().put("label", "Recovered").put("kind", "ok").putArray("values");
        recovered.forEach(one::add);
        var two = series.addObject().put("label", "Still unpaid").put("kind", "bad").putArray("values");
        unpaid.forEach(two::add);
        return json.writeValueAsString(chart);
    }
}

package io.till.admin;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The time zones a seller picks their store's from: UTC, then every region's zones by continent, each named by its city
 * with the offset it has now ("New York · UTC−05:00"). Old aliases ({@code US/Eastern}) and fixed offsets are left
 * out; a zone saved through the API that is not listed is offered too, so that the form keeps it.
 */
final class TimeZoneChoices {

    private static final Set<String> REGIONS = Set.of("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic",
        "Australia", "Europe", "Indian", "Pacific");

    record Group(String label, List<Choice> zones) {}

    record Choice(String id, String label, boolean selected) {}

    private TimeZoneChoices() {}

    static List<Group> groups(Instant now, String selected) {
        var byRegion = new LinkedHashMap<String, List<Choice>>();
        byRegion.put("", new ArrayList<>(List.of(new Choice("UTC", "UTC", "UTC".equals(selected)))));
        for (String id : new TreeSet<>(ZoneId.getAvailableZoneIds())) {
            int slash = id.indexOf('/');
            if (slash < 0 || !REGIONS.contains(id.substring(0, slash))) {
                continue;
            }
            byRegion.computeIfAbsent(id.substring(0, slash), region -> new ArrayList<>())
                .add(new Choice(id, city(id.substring(slash + 1)) + " · " + offset(ZoneId.of(id), now),
                    id.equals(selected)));
        }
        boolean listed = selected == null || selected.isBlank()
            || byRegion.values().stream().flatMap(List::stream).anyMatch(Choice::selected);
        if (!listed) {
            byRegion.get("").add(new Choice(selected, selected, true));
        }
        var groups = new ArrayList<Group>();
        for (Map.Entry<String, List<Choice>> region : byRegion.entrySet()) {
            groups.add(new Group(region.getKey(), List.copyOf(region.getValue())));
        }
        return List.copyOf(groups);
    }

    /** {@code Argentina/Buenos_Aires} → "Argentina / Buenos Aires". */
    private static String city(String rest) {
        return rest.replace('_', ' ').replace("/", " / ");
    }

    /** "UTC+05:30", "UTC−05:00" (a true minus sign), "UTC" at no offset. */
    static String offset(ZoneId zone, Instant now) {
        ZoneOffset offset = zone.getRules().getOffset(now);
        return offset.getTotalSeconds() == 0 ? "UTC" : "UTC" + offset.getId().replace('-', '−');
    }
}

package io.till.crm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * HubSpot's CRM v3 ({@code https://api.hubapi.com}, a private app's bearer token). HubSpot has no tags: a tag is a
 * value of a multiple-checkbox contact property ({@code till_tags} unless the config names another), whose options
 * the seller creates in HubSpot; HubSpot refuses a value that is not one of them.
 */
final class HubSpotClient implements CrmClient {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CrmHttp http;
    private final String tagProperty;

    HubSpotClient(CrmHttp http, String tagProperty) {
        this.http = http;
        this.tagProperty = tagProperty;
    }

    @Override
    public String upsertContact(Contact contact) {
        ObjectNode properties = NODES.objectNode().put("email", contact.email());
        putIfPresent(properties, "firstname", contact.firstName());
        putIfPresent(properties, "lastname", contact.lastName());
        putIfPresent(properties, "phone", contact.phone());
        ObjectNode body = NODES.objectNode();
        body.putArray("inputs").addObject().put("idProperty", "email").put("id", contact.email()).set("properties",
            properties);
        JsonNode answer = http.post("/crm/v3/objects/contacts/batch/upsert", body);
        String id = answer.path("results").path(0).path("id").asString("");
        if (id.isBlank()) {
            // A 207 multi-status answer reports the failed inputs under errors.
            String why = http.vendors()
                ? answer.path("errors").path(0).path("message").asString("no contact in the answer")
                : "no contact in the answer";
            throw CrmFailure.permanent("crm_rejected", "HubSpot did not upsert the contact: " + why);
        }
        return id;
    }

    @Override
    public String addTag(String contactId, Contact contact, String tag) {
        var turn = turnOf(contactId);
        turn.lock();
        try {
            List<String> tags = tags(contactId);
            if (!tags.contains(tag)) {
                tags.add(tag);
                setTags(contactId, tags);
            }
            return tag;
        } finally {
            turn.unlock();
        }
    }

    @Override
    public boolean removeTag(String contactId, Contact contact, String tag) {
        var turn = turnOf(contactId);
        turn.lock();
        try {
            List<String> tags = tags(contactId);
            if (!tags.remove(tag)) {
                return false;
            }
            setTags(contactId, tags);
            return true;
        } finally {
            turn.unlock();
        }
    }

    /**
     * The turn a contact's tags are read and written back under on this node: HubSpot writes the property whole, so
     * two runs tagging one contact at once (two automations reacting to one purchase) would each write back what it
     * read, and the later write would drop the other's tag. Taken around the read and the write, so the second reads
     * what the first wrote. Contacts share a turn with a few others (by their id and HubSpot account's address),
     * which only makes them wait. Another node's run may still interleave.
     */
    private ReentrantLock turnOf(String contactId) {
        return TAG_TURNS[Math.floorMod(Objects.hash(http.baseUrl(), contactId), TAG_TURNS.length)];
    }

    private static final ReentrantLock[] TAG_TURNS = java.util.stream.IntStream.range(0, 64)
        .mapToObj(i -> new ReentrantLock())
        .toArray(ReentrantLock[]::new);

    @Override
    public String check() {
        http.get("/crm/v3/objects/contacts?limit=1");
        return "signed in and read contacts";
    }

    @Override
    public void startAutomation(String contactId, Contact contact, String automationId) {
        http.post("/automation/v2/workflows/" + CrmHttp.encode(automationId) + "/enrollments/contacts/" + CrmHttp
            .encode(contact.email()), null);
    }

    /** A multiple-checkbox property holds its checked options separated by semicolons. */
    private List<String> tags(String contactId) {
        String value = http.get("/crm/v3/objects/contacts/" + CrmHttp.encode(contactId) + "?properties=" + CrmHttp
            .encode(tagProperty)).path("properties").path(tagProperty).asString("");
        var tags = new ArrayList<String>();
        Arrays.stream(value.split(";")).map(String::strip).filter(t -> !t.isEmpty()).forEach(tags::add);
        return tags;
    }

    private void setTags(String contactId, List<String> tags) {
        http.patch("/crm/v3/objects/contacts/" + CrmHttp.encode(contactId), NODES.objectNode().set("properties",
            NODES.objectNode().put(tagProperty, String.join(";", tags))));
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}

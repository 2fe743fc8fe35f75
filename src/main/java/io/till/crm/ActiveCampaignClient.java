package io.till.crm;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ActiveCampaign's API v3 ({@code https://<account>.api-us1.com/api/3}, header {@code Api-Token}). Tags are
 * ActiveCampaign's own: one missing is created as a contact tag the first time it is added.
 */
final class ActiveCampaignClient implements CrmClient {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CrmHttp http;

    ActiveCampaignClient(CrmHttp http) {
        this.http = http;
    }

    @Override
    public String upsertContact(Contact contact) {
        ObjectNode body = NODES.objectNode();
        ObjectNode fields = body.putObject("contact").put("email", contact.email());
        putIfPresent(fields, "firstName", contact.firstName());
        putIfPresent(fields, "lastName", contact.lastName());
        putIfPresent(fields, "phone", contact.phone());
        return id(http.post("/api/3/contact/sync", body).path("contact"), "contact");
    }

    @Override
    public String addTag(String contactId, Contact contact, String tag) {
        String tagId = findTag(tag);
        if (tagId == null) {
            var created = http.post("/api/3/tags", NODES.objectNode().set("tag", NODES.objectNode().put("tag", tag)
                .put("tagType", "contact").put("description", "")));
            tagId = id(created.path("tag"), "tag");
        }
        // Adding a tag the contact already has answers the existing contactTag: no duplicate, safe to retry.
        http.post("/api/3/contactTags", NODES.objectNode().set("contactTag", NODES.objectNode().put("contact",
            contactId).put("tag", tagId)));
        return tagId;
    }

    @Override
    public boolean removeTag(String contactId, Contact contact, String tag) {
        String tagId = findTag(tag);
        if (tagId == null) {
            return false;
        }
        for (JsonNode contactTag : http.get("/api/3/contacts/" + CrmHttp.encode(contactId) + "/contactTags").path(
            "contactTags")) {
            if (tagId.equals(contactTag.path("tag").asString())) {
                http.delete("/api/3/contactTags/" + CrmHttp.encode(id(contactTag, "contactTag")));
                return true;
            }
        }
        return false;
    }

    @Override
    public String check() {
        JsonNode user = http.get("/api/3/users/me").path("user");
        return http.vendors()
            ? "signed in as " + user.path("email").asString(user.path("username").asString("a user"))
            : "signed in";
    }

    @Override
    public void startAutomation(String contactId, Contact contact, String automationId) {
        http.post("/api/3/contactAutomations", NODES.objectNode().set("contactAutomation", NODES.objectNode().put(
            "contact", contactId).put("automation", automationId)));
    }

    /**
     * The tag with exactly this name (case aside): the search matches any tag containing the text, 20 a page unless
     * asked for more, so {@code vip} may come after {@code vip-01} to {@code vip-25}. Read a page of the most the API
     * gives (100) at a time, up to {@value #TAG_PAGES} pages.
     */
    private String findTag(String tag) {
        for (int page = 0; page < TAG_PAGES; page++) {
            JsonNode tags = http.get("/api/3/tags?search=" + CrmHttp.encode(tag) + "&limit=" + TAG_PAGE + "&offset="
                + page * TAG_PAGE).path("tags");
            for (JsonNode found : tags) {
                if (found.path("tag").asString("").equalsIgnoreCase(tag)) {
                    return id(found, "tag");
                }
            }
            if (tags.size() < TAG_PAGE) {
                return null;
            }
        }
        return null;
    }

    private static final int TAG_PAGE = 100;
    private static final int TAG_PAGES = 10;

    private static String id(JsonNode node, String what) {
        String id = node.path("id").asString("");
        if (id.isBlank()) {
            throw CrmFailure.permanent("crm_unexpected_answer", "ActiveCampaign answered no " + what + " id");
        }
        return id;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}

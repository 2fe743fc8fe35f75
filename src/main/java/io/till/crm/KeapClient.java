package io.till.crm;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keap's REST API v1 ({@code https://api.infusionsoft.com/crm/rest}, an OAuth or service-account bearer token). Tags
 * are Keap's own and live in categories, so Till does not create them: a tag is given by id, or by a name that must
 * already exist.
 */
final class KeapClient implements CrmClient {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CrmHttp http;

    KeapClient(CrmHttp http) {
        this.http = http;
    }

    @Override
    public String upsertContact(Contact contact) {
        ObjectNode body = NODES.objectNode().put("duplicate_option", "Email");
        body.putArray("email_addresses").addObject().put("email", contact.email()).put("field", "EMAIL1");
        if (contact.firstName() != null) {
            body.put("given_name", contact.firstName());
        }
        if (contact.lastName() != null) {
            body.put("family_name", contact.lastName());
        }
        if (contact.phone() != null) {
            body.putArray("phone_numbers").addObject().put("number", contact.phone()).put("field", "PHONE1");
        }
        String id = http.put("/v1/contacts", body).path("id").asString("");
        if (id.isBlank()) {
            throw CrmFailure.permanent("crm_unexpected_answer", "Keap answered no contact id");
        }
        return id;
    }

    @Override
    public String addTag(String contactId, Contact contact, String tag) {
        String tagId = tagId(tag);
        if (tagId == null) {
            throw CrmFailure.permanent("crm_tag_not_found", "Keap has no tag named '" + tag
                + "': create it in Keap, or give its id");
        }
        var body = NODES.objectNode();
        body.putArray("tagIds").add(Long.parseLong(tagId));
        http.post("/v1/contacts/" + CrmHttp.encode(contactId) + "/tags", body);
        return tagId;
    }

    @Override
    public boolean removeTag(String contactId, Contact contact, String tag) {
        String tagId = tagId(tag);
        if (tagId == null) {
            return false;
        }
        http.delete("/v1/contacts/" + CrmHttp.encode(contactId) + "/tags/" + tagId);
        return true;
    }

    /** {@code automationId} is {@code campaignId:sequenceId}: a Keap sequence belongs to a campaign. */
    @Override
    public String check() {
        JsonNode user = http.get("/v1/oauth/connect/userinfo");
        return http.vendors() ? "signed in as " + user.path("email").asString("a user") : "signed in";
    }

    @Override
    public void startAutomation(String contactId, Contact contact, String automationId) {
        String[] ids = automationId.split(":", -1);
        if (ids.length != 2 || !ids[0].strip().matches("[0-9]+") || !ids[1].strip().matches("[0-9]+")) {
            throw CrmFailure.permanent("invalid_params", "params.automation_id: for Keap give campaignId:sequenceId, "
                + "e.g. 12:34");
        }
        http.post("/v1/campaigns/" + ids[0].strip() + "/sequences/" + ids[1].strip() + "/contacts/" + CrmHttp.encode(
            contactId), null);
    }

    /** A number is a tag id as is; a name is looked up, and must match exactly. */
    private String tagId(String tag) {
        if (tag.matches("[0-9]{1,18}")) {
            return tag;
        }
        for (JsonNode found : http.get("/v1/tags?name=" + CrmHttp.encode(tag)).path("tags")) {
            if (tag.equals(found.path("name").asString(""))) {
                String id = found.path("id").asString("");
                if (!id.matches("[0-9]{1,18}")) {
                    // Asking again gets the same answer: said, rather than thrown as a failure inside Till.
                    throw CrmFailure.permanent("crm_unexpected_answer", "Keap answered the tag '" + tag + "' without "
                        + "a usable id");
                }
                return id;
            }
        }
        return null;
    }
}

package io.till.crm;

/**
 * What Till does in a CRM, whichever vendor it is. Every operation either succeeds or throws {@link CrmFailure}
 * saying whether trying again can help.
 */
interface CrmClient {

    /** Creates the contact or updates the one with the same email; returns the vendor's id of it. */
    String upsertContact(Contact contact);

    /** Tags the contact; returns the vendor's id of the tag. */
    String addTag(String contactId, Contact contact, String tag);

    /** Takes the tag off the contact; false when the contact did not have it (or the tag does not exist). */
    boolean removeTag(String contactId, Contact contact, String tag);

    /** Enrols the contact in an automation, workflow or sequence, as the vendor calls it. */
    void startAutomation(String contactId, Contact contact, String automationId);

    /** Signs in and reads something harmless; answers what it read, for a connection test. */
    String check();
}

package io.till.shared;

import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * What a feature keeps of a customer's personal data, for the erasure a seller owes a buyer who asks (GDPR art. 17):
 * each feature erases its own tables, inside the one transaction that redacts the customer, so an erasure is whole or
 * does not happen.
 */
public interface PersonalData {

    /**
     * What must end before the customer can be erased, in words a seller acts on ("subscription sub_… is active"):
     * Till keeps what it still bills with.
     */
    default List<String> obstacles(String accountId, String customerId) {
        return List.of();
    }

    /** The customer's values this feature knows of beyond their record (an address on an order, an earlier email). */
    default Values values(String accountId, String customerId) {
        return Values.NONE;
    }

    /**
     * The names in the seller's catalog: a word of a customer's name that one of them uses stays in it, so that "Day"
     * of Doris Day leaves the product Day Pass as it is named ({@link Redaction}).
     */
    default Set<String> sellersNames(String accountId) {
        return Set.of();
    }

    /** Erases the customer's personal data from this feature's tables. */
    void erase(String accountId, String customerId, Redaction redaction);

    /**
     * What this feature keeps about the customer, for the copy of their data a buyer may ask for: named lists of
     * records ({@link PersonalRows}), in the order the copy shows them. {@code known} holds the customer's values as
     * every feature knows them, earlier emails and phones among them (a message sent before an email changed is
     * theirs).
     */
    default Map<String, JsonNode> export(String accountId, String customerId, Values known) {
        return Map.of();
    }

    /**
     * Values to search for as they are ({@code exact}: emails, phones, identifiers), names to search for word by word
     * too, {@code places} (address lines, towns, postal codes), searched for as they are but never enough alone to say
     * that a text is about the person, and {@code contacts}: the emails and phones that were the person's own, which
     * find the messages sent to them for their copy (a custom field's value may be a third party's: an account
     * manager's address in it would bring every other buyer's alert into their copy). An erasure rewrites mail to any
     * exact value: one of the person's own addresses kept in a custom field must not keep what was sent to it.
     */
    record Values(Set<String> exact, Set<String> names, Set<String> places, Set<String> contacts) {

        public static final Values NONE = new Values(Set.of(), Set.of(), Set.of(), Set.of());

        /** Values whose exact ones are all the person's emails and phones. */
        public Values(Set<String> exact, Set<String> names, Set<String> places) {
            this(exact, names, places, exact);
        }

        public Values(Set<String> exact, Set<String> names) {
            this(exact, names, Set.of(), exact);
        }
    }
}

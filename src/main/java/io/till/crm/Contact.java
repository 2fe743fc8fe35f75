package io.till.crm;

/** A customer as the CRMs know them: the email is what every vendor matches an existing contact on. */
record Contact(String email, String firstName, String lastName, String phone) {

    /** Splits Till's single name at its first space: "Ada King Lovelace" is Ada and King Lovelace. */
    static Contact of(String email, String name, String phone) {
        String first = null;
        String last = null;
        if (name != null && !name.isBlank()) {
            String[] parts = name.strip().split("\\s+", 2);
            first = parts[0];
            last = parts.length > 1 ? parts[1] : null;
        }
        return new Contact(email, first, last, phone);
    }
}

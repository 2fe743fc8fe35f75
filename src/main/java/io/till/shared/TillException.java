package io.till.shared;

import java.util.List;
import java.util.Map;

/** A request Till refuses for a reason a client can act on; the web edge turns it into a problem detail. */
public class TillException extends RuntimeException {

    private final ErrorCode code;
    private final List<FieldError> errors;
    private final Map<String, String> records;

    public TillException(ErrorCode code, String detail) {
        this(code, detail, List.of());
    }

    public TillException(ErrorCode code, String detail, List<FieldError> errors) {
        this(code, detail, errors, Map.of());
    }

    /**
     * @param records what the refusal left behind or is about, by member name ({@code order_id}, {@code payment_id}),
     *     answered as members of the problem so that a client need not read them out of the detail
     */
    protected TillException(ErrorCode code, String detail, List<FieldError> errors, Map<String, String> records) {
        super(detail);
        this.code = code;
        this.errors = List.copyOf(errors);
        this.records = Map.copyOf(records);
    }

    /** The id does not exist, or belongs to another account: the two are indistinguishable on purpose. */
    public static TillException notFound(String kind, String id) {
        return new TillException(ErrorCode.NOT_FOUND, "No " + kind + " with id '" + id + "'.");
    }

    public static TillException invalid(List<FieldError> errors) {
        return new TillException(ErrorCode.VALIDATION_FAILED, describe(errors), errors);
    }

    public static TillException invalid(String field, String code, String message) {
        return invalid(List.of(new FieldError(field, code, message)));
    }

    public ErrorCode code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> records() {
        return records;
    }

    /**
     * What a dashboard form shows beside its fields: each field's refusal of a validation failure, or any other
     * refusal (an expired form key, a form sent for something else) as one on {@code form}, above the fields.
     */
    public List<FieldError> refusals() {
        return code == ErrorCode.VALIDATION_FAILED
            ? errors
            : List.of(new FieldError("form", code.name(), getMessage()));
    }

    private static String describe(List<FieldError> errors) {
        return errors.size() == 1
            ? "Invalid " + errors.getFirst().field() + ": " + errors.getFirst().message()
            : errors.size() + " fields are invalid; see errors.";
    }
}

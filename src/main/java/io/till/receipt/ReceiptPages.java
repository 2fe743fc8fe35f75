package io.till.receipt;

import io.till.shared.Caller;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The order page's receipt link: the same PDF as GET /api/v1/orders/{id}/receipt.pdf, for a signed-in staff member
 * (the API wants a key). Bound to the staff member's account; another account's order is the frame's not-found page.
 */
@Controller
class ReceiptPages {

    private final Receipts receipts;

    ReceiptPages(Receipts receipts) {
        this.receipts = receipts;
    }

    @GetMapping("/admin/orders/{id}/receipt.pdf")
    ResponseEntity<byte[]> orderReceipt(Caller.Staff staff, @PathVariable String id) {
        return receipts.pdfResponse(receipts.forOrder(staff.accountId(), id));
    }
}

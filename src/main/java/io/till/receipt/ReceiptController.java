package io.till.receipt;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.till.shared.Caller;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Receipts")
class ReceiptController {

    private final Receipts receipts;

    ReceiptController(Receipts receipts) {
        this.receipts = receipts;
    }

    @GetMapping("/api/v1/orders/{id}/receipt.pdf")
    @Operation(summary = "The receipt of a paid order as a PDF", description = "Line items, tax-free totals, every payment toward the order with its card, and refunds; "
        + "an order that is not paid is refused with invalid_state.")
    @ApiResponse(responseCode = "200", description = "The receipt", content = @Content(mediaType = "application/pdf", schema = @Schema(type = "string", format = "binary")))
    ResponseEntity<byte[]> orderReceipt(Caller caller, @PathVariable String id) {
        return receipts.pdfResponse(receipts.forOrder(caller.accountId(), id));
    }

    @GetMapping("/api/v1/payments/{id}/receipt.pdf")
    @Operation(summary = "The receipt of a payment as a PDF", description = "What the payment paid for (an order, a renewal, an installment), its card and its refunds; "
        + "a failed payment is refused with invalid_state.")
    @ApiResponse(responseCode = "200", description = "The receipt", content = @Content(mediaType = "application/pdf", schema = @Schema(type = "string", format = "binary")))
    ResponseEntity<byte[]> paymentReceipt(Caller caller, @PathVariable String id) {
        return receipts.pdfResponse(receipts.forPayment(caller.accountId(), id));
    }
}

-- What an invoice was for, as the product and option were named when it was issued: a receipt is a record of what was
-- bought, and a product renamed since must not rename the renewals and installments paid under its old name (an
-- order's lines keep theirs the same way). Invoices issued before this keep null and are read with today's names.
ALTER TABLE invoices ADD COLUMN product_name text, ADD COLUMN option_name text;

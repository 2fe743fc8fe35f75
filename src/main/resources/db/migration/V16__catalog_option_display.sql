-- How a checkout shows a product's options to choose from: radio buttons, a dropdown, or checkboxes.
ALTER TABLE product_options ADD COLUMN display text NOT NULL DEFAULT 'radio'
    CHECK (display IN ('radio', 'dropdown', 'checkbox'));

-- A product whose free trial a customer gets once: a customer who had a subscription to it before (of any option,
-- ended or not) buys it again without the trial, charged at once.
ALTER TABLE products ADD COLUMN one_trial_per_customer boolean NOT NULL DEFAULT false;

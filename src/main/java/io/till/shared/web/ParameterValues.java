package io.till.shared.web;

import java.util.List;

/**
 * The values one query parameter of a list takes ({@code status} of {@code GET /api/v1/orders}), declared as a bean by
 * the feature that serves the list, from the very constants it checks the parameter against: {@link ApiContract}
 * writes them into the OpenAPI document as the parameter's enum.
 */
public record ParameterValues(String path, String parameter, List<String> values) {}

package io.till.egress;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Till calls URLs its users supply ({@code till.egress.*}).
 *
 * @param allow comma-separated CIDR ranges that are reachable although they are private, loopback or link-local (say
 *     {@code 10.20.0.0/16} for an internal receiver); empty by default, and there is no switch that turns the guard off
 * @param timeout how long connecting, and then waiting for the answer (or each part of it), may each take
 * @param deadline how long one whole call may take, its answer read to the end: a destination that trickles its answer
 *     a byte at a time, within {@code timeout} of the last, is cut off then; below every worker's lease (webhooks,
 *     automation steps), so that a round never outlives its lease waiting for one slow peer
 */
@ConfigurationProperties("till.egress")
public record EgressSettings(@DefaultValue("") String allow, @DefaultValue("15s") Duration timeout,
    @DefaultValue("30s") Duration deadline) {}

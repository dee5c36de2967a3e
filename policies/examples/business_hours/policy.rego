# METADATA
# title: Business hours
# description: >-
#   Some tenants allow model use only during their business hours; the on-call role is
#   exempt. The time comes from input.context.now, the request's own timestamp, never from
#   time.now_ns: the gateway's WASM host has no clock builtins, and a replay of the audit
#   record must reach the same decision. Offsets are fixed per tenant (data.json); a tenant
#   whose offset changes with daylight saving time updates its data twice a year.
package palisade.examples.business_hours

import data.examples.business_hours as config

default decision := {"allow": false, "reasons": [{"code": "no_decision", "message": "The business hours policy reached no decision."}]}

decision := {"allow": count(deny) == 0, "reasons": sort(deny)}

deny contains {"code": "outside_business_hours", "message": message} if {
	hours := config.tenants[input.principal.tenant]
	not config.on_call_role in roles
	local := local_time(input.context.now, hours.utc_offset_minutes)
	not open_at(hours, local)
	message := sprintf("Models are available to %s on weekdays %d:00-%d:00 only.", [input.principal.tenant, hours.open_hour, hours.close_hour])
}

# Without roles the principal is not on call (a missing field inside `not` would make the rule
# undefined, so nothing would be denied).
default roles := []

roles := input.principal.roles

open_at(hours, local) if {
	local.weekday in hours.weekdays
	local.minute_of_day >= hours.open_hour * 60
	local.minute_of_day < hours.close_hour * 60
}

# Weekday (0 = Sunday) and minute of the day of an RFC 3339 UTC time ("2026-01-05T09:30:00Z"),
# shifted by offset minutes.
local_time(now, offset) := {"weekday": weekday, "minute_of_day": minute_of_day} if {
	days := days_from_civil(to_number(substring(now, 0, 4)), to_number(substring(now, 5, 2)), to_number(substring(now, 8, 2)))
	minutes := ((to_number(substring(now, 11, 2)) * 60) + to_number(substring(now, 14, 2))) + offset
	day_shift := floor_div(minutes, 1440)
	minute_of_day := minutes - (day_shift * 1440)
	weekday := mod((days + day_shift) + 4, 7)
}

# Integer division rounding down, and its remainder, for negative numbers too: OPA's floor()
# rounds -0.5 to 0, so it cannot be used on a negative quotient.
mod(a, b) := ((a % b) + b) % b

floor_div(a, b) := (a - mod(a, b)) / b

# Days since 1970-01-01 of a proleptic Gregorian date, for years 0 and later
# (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
days_from_civil(y, m, d) := days if {
	year := y - to_number(m <= 2)
	era := floor_div(year, 400)
	year_of_era := year - (era * 400)
	day_of_year := (floor_div((153 * mod(m + 9, 12)) + 2, 5) + d) - 1
	day_of_era := (((year_of_era * 365) + floor_div(year_of_era, 4)) - floor_div(year_of_era, 100)) + day_of_year
	days := ((era * 146097) + day_of_era) - 719468
}

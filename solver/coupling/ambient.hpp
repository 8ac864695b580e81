#pragma once
/// The ambient air of a weather hour, as the facility's heat rejection sees it: dry bulb, and
/// from the dew point and station pressure the humidity ratio and wet bulb (psychrometrics).
/// offset_K shifts the hour's dry bulb and dew point alike (facility.ambient_offset: a warmer or
/// cooler climate with the same weather's shape; the relative humidity stays about the same).
#include "solver/facility/dry_cooler.hpp"
#include "solver/facility/weather.hpp"

namespace kelvin {

AmbientAir ambient_air(const WeatherHour& w, double offset_K = 0);

}  // namespace kelvin

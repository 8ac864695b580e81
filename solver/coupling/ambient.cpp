#include "solver/coupling/ambient.hpp"

#include <algorithm>

#include "solver/facility/psychrometrics.hpp"

namespace kelvin {

AmbientAir ambient_air(const WeatherHour& w, double offset_K) {
  const double dry = w.dry_bulb_K + offset_K;
  const double dew = std::min(w.dew_point_K + offset_K, dry);  // the file's dew point, at most saturation
  const MoistAir a = moist_air_from_dew_point(dry, dew, w.pressure_Pa);
  return {a.dry_bulb_K, a.wet_bulb_K, a.humidity_ratio};
}

}  // namespace kelvin

// Answers psychrometric and weather questions written as plain text, so that Python oracles can
// put Kelvin's facility library beside CoolProp (tests/oracles/coolprop_humidair.py) and pvlib
// (tests/oracles/pvlib_weather.py). Input, one request a line ('#' starts a comment):
//   psychrometrics T_K RH P_PA
//     prints "psychrometrics T_K RH P_PA W P_W_PA DEW_POINT_K WET_BULB_K H_J_KG V_M3_KG RHO_KG_M3
//     ICE_ROOT_K WATER_ROOT_K" (moist_air_from_relative_humidity; dew point -inf for dry air;
//     the two roots of the psychrometric equation from wet_bulb_roots_K, nan where none)
//   weather FILE
//     prints "station ID|NAME|STATE|COUNTRY LAT_DEG LON_DEG ELEVATION_M TIME_ZONE_H", one line
//     "hour I YEAR MONTH DAY HOUR MINUTE DRY_BULB_K DEW_POINT_K RH PRESSURE_PA WIND_M_S GHI_W_M2"
//     per hour, "filled QUANTITY N" per quantity and "note TEXT" per note (read_weather)
// Numbers are printed with 17 significant digits. Exit 1 with a message on an error.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "solver/facility/psychrometrics.hpp"
#include "solver/facility/weather.hpp"

using namespace kelvin;

namespace {

void print_weather(const std::string& path) {
  const WeatherYear y = read_weather(path);
  const WeatherStation& s = y.station;
  std::printf("station %s|%s|%s|%s %.17g %.17g %.17g %.17g\n", s.id.c_str(), s.name.c_str(),
              s.state.c_str(), s.country.c_str(), s.latitude_deg, s.longitude_deg, s.elevation_m,
              s.time_zone_h);
  for (const WeatherHour& h : y.hours)
    std::printf("hour %d %d %d %d %d %d %.17g %.17g %.17g %.17g %.17g %.17g\n", h.hour_of_year,
                h.year, h.month, h.day, h.hour, h.minute, h.dry_bulb_K, h.dew_point_K,
                h.relative_humidity, h.pressure_Pa, h.wind_speed_m_s, h.global_horizontal_W_m2);
  for (int q = 0; q < kWeatherQuantities; ++q)
    std::printf("filled %s %d\n", weather_quantity_name(static_cast<WeatherQuantity>(q)),
                y.filled[static_cast<std::size_t>(q)]);
  for (const auto& note : y.notes) std::printf("note %s\n", note.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: facility_driver REQUESTS.txt\n";
    return 2;
  }
  try {
    std::ifstream in(argv[1]);
    if (!in) throw std::runtime_error(std::string("cannot read ") + argv[1]);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::istringstream s(line.substr(0, line.find('#')));
      std::string kind;
      if (!(s >> kind)) continue;
      if (kind == "psychrometrics") {
        double T = 0, rh = 0, p = 0;
        if (!(s >> T >> rh >> p))
          throw std::runtime_error("line " + std::to_string(number) + ": expected T_K RH P_PA");
        const MoistAir a = moist_air_from_relative_humidity(T, rh, p);
        const WetBulbRoots roots = wet_bulb_roots_K(T, a.humidity_ratio, p);
        std::printf(
            "psychrometrics %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g %.17g "
            "%.17g\n",
            T, rh, p, a.humidity_ratio, a.vapour_pressure_Pa, a.dew_point_K, a.wet_bulb_K,
            a.enthalpy_J_kg, a.specific_volume_m3_kg, a.density_kg_m3, roots.ice_K, roots.water_K);
      } else if (kind == "weather") {
        std::string path;
        if (!(s >> path))
          throw std::runtime_error("line " + std::to_string(number) + ": expected a file");
        print_weather(path);
      } else {
        throw std::runtime_error("line " + std::to_string(number) + ": unknown request '" + kind +
                                 "'");
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "facility_driver: " << e.what() << "\n";
    return 1;
  }
}

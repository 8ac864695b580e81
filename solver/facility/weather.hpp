#pragma once
/// A weather year from an EnergyPlus EPW file or an NREL TMY3 CSV file: the station and its
/// hourly records, in SI (K, Pa, m/s, W/m^2), for the facility models' annual runs.
///
/// Formats:
///   TMY3 (Wilcox & Marion 2008, NREL/TP-581-43156, "Users Manual for TMY3 Data Sets"): line 1
///     USAF id, "name", state, time zone [h from UTC], latitude, longitude, elevation [m];
///     line 2 the column names; then one row per hour, "MM/DD/YYYY,HH:MM" (01:00..24:00, local
///     standard time, the hour's end), columns found by name: "GHI (W/m^2)", "Dry-bulb (C)",
///     "Dew-point (C)", "RHum (%)", "Pressure (mbar)", "Wspd (m/s)", each followed by its source
///     flag. A TMY3 year's months come from different years (the row's year is kept as read).
///   EPW (EnergyPlus "Auxiliary Programs", Weather Converter, "EnergyPlus Weather File (EPW)
///     Data Dictionary"): eight header lines (LOCATION, DESIGN CONDITIONS, TYPICAL/EXTREME
///     PERIODS, GROUND TEMPERATURES, HOLIDAYS/DAYLIGHT SAVINGS, COMMENTS 1, COMMENTS 2, DATA
///     PERIODS, in that order; LOCATION gives city, state, country, source, WMO, latitude,
///     longitude, time zone, elevation); then rows of year, month, day, hour (1..24), minute,
///     flags, dry bulb [C], dew point [C], relative humidity [%], station pressure [Pa], ...,
///     global horizontal radiation [Wh/m^2] (field 14), ..., wind speed [m/s] (field 22). Only
///     hourly files (DATA PERIODS' records per hour 1) are read.
///
/// Rows: 8760 hours, or 8784 in a leap year (February 29 present; the year keeps a note saying
/// so). Every row's month, day and hour must be the next hour of the year (a missing, repeated
/// or shuffled hour is an error at its line).
///
/// Missing data: EPW's markers (dry bulb and dew point 99.9, relative humidity 999, pressure
/// 999999, global horizontal 9999, wind speed 999: the values and above) and TMY3's (-9900, or
/// the source flag '?', which TMY3 uses "mostly for missing data") are filled by linear
/// interpolation in time between the nearest valid hours before and after (the nearest valid
/// hour's value at the start or end of the year) and counted per quantity (WeatherYear::filled).
/// A gap of more than 24 hours is refused: that is no longer weather but invention. A global
/// horizontal column missing in every row is kept as NaN (has_global_horizontal false).
///
/// Physical ranges (EnergyPlus's own limits for these fields): dry bulb and dew point
/// -70..70 degC, relative humidity 0..110 %, pressure 31 000..120 000 Pa, wind speed 0..40 m/s;
/// global horizontal 0..1500 W/m^2 (above the solar constant's 1361 is impossible on the
/// ground). A dew point above the dry bulb is kept as read (the files round each separately).
///
/// Errors: std::runtime_error "FILE:LINE: what" for an unreadable file, a malformed row (wrong
/// field count, a number that does not parse), a missing column or header line, a wrong row
/// count, an hour out of sequence, a value outside its range or a missing-data gap too long.

#include <array>
#include <string>
#include <vector>

namespace kelvin {

/// The weather station.
struct WeatherStation {
  std::string id;            ///< TMY3: USAF number; EPW: WMO number
  std::string name;          ///< TMY3's station name; EPW's city
  std::string state;         ///< as in the file (may be empty)
  std::string country;       ///< EPW only
  double latitude_deg = 0;   ///< north positive
  double longitude_deg = 0;  ///< east positive
  double elevation_m = 0;
  double time_zone_h = 0;  ///< local standard time minus UTC [h]
};

/// One hour of weather. The hour covers [hour_of_year, hour_of_year + 1) hours after 00:00 on
/// January 1, local standard time; the file's date and time (the hour's end) are kept.
struct WeatherHour {
  int hour_of_year = 0;  ///< 0..8759 (8783 in a leap year)
  int year = 0, month = 0, day = 0;
  int hour = 0;    ///< 1..24, as in the file: the hour ending at hour:minute
  int minute = 0;  ///< TMY3 00; EPW as written (0 or 60)
  double dry_bulb_K = 0;
  double dew_point_K = 0;
  double relative_humidity = 0;  ///< fraction (0..1.1 as in the file, not recomputed)
  double pressure_Pa = 0;        ///< station pressure
  double wind_speed_m_s = 0;
  double global_horizontal_W_m2 = 0;  ///< mean over the hour; NaN when the file has none
};

/// Quantities of a weather hour, indexing WeatherYear::filled.
enum class WeatherQuantity {
  DryBulb,
  DewPoint,
  RelativeHumidity,
  Pressure,
  WindSpeed,
  GlobalHorizontal
};
constexpr int kWeatherQuantities = 6;

/// Name of a quantity ("dry bulb", ...), for messages.
const char* weather_quantity_name(WeatherQuantity q);

/// A weather year as read.
struct WeatherYear {
  std::string path;
  std::string format;  ///< "TMY3" or "EPW"
  WeatherStation station;
  std::vector<WeatherHour> hours;
  bool has_global_horizontal = true;
  /// Hours filled by interpolation, per WeatherQuantity.
  std::array<int, kWeatherQuantities> filled{};
  std::vector<std::string> notes;  ///< e.g. a leap year's 8784 hours
};

/// Reads an NREL TMY3 CSV file. Throws std::runtime_error "FILE:LINE: what".
WeatherYear read_tmy3(const std::string& path);

/// Reads an EnergyPlus EPW file (hourly). Throws std::runtime_error "FILE:LINE: what".
WeatherYear read_epw(const std::string& path);

/// read_epw for a name ending in .epw (any case), read_tmy3 otherwise.
WeatherYear read_weather(const std::string& path);

}  // namespace kelvin

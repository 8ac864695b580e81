#include "solver/facility/weather.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace kelvin {

namespace {

constexpr double kZeroCelsius_K = 273.15;
constexpr int kLongestFilledGap_h = 24;

[[noreturn]] void fail(const std::string& path, int line, const std::string& what) {
  throw std::runtime_error(path + ":" + std::to_string(line) + ": " + what);
}

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// Splits one CSV line; a field in double quotes may hold commas. Fields are trimmed.
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.push_back(trim(field));
      field.clear();
    } else if (c != '\r' && c != '\n') {
      field += c;
    }
  }
  fields.push_back(trim(field));
  return fields;
}

bool parse_double(const std::string& s, double& x) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  x = std::strtod(s.c_str(), &end);
  return errno == 0 && end == s.c_str() + s.size() && std::isfinite(x);
}

bool parse_int(const std::string& s, int& x) {
  double d = 0;
  if (!parse_double(s, d) || d != std::floor(d) || std::fabs(d) > 1e6) return false;
  x = static_cast<int>(d);
  return true;
}

double number(const std::string& path, int line, const std::string& text, const char* what) {
  double x = 0;
  if (!parse_double(text, x))
    fail(path, line, std::string(what) + " '" + text + "' is not a number");
  return x;
}

int integer(const std::string& path, int line, const std::string& text, const char* what) {
  int x = 0;
  if (!parse_int(text, x))
    fail(path, line, std::string(what) + " '" + text + "' is not an integer");
  return x;
}

double& value_of(WeatherHour& h, WeatherQuantity q) {
  switch (q) {
    case WeatherQuantity::DryBulb:
      return h.dry_bulb_K;
    case WeatherQuantity::DewPoint:
      return h.dew_point_K;
    case WeatherQuantity::RelativeHumidity:
      return h.relative_humidity;
    case WeatherQuantity::Pressure:
      return h.pressure_Pa;
    case WeatherQuantity::WindSpeed:
      return h.wind_speed_m_s;
    case WeatherQuantity::GlobalHorizontal:
      break;
  }
  return h.global_horizontal_W_m2;
}

// A quantity's valid range in the file's units (degC, %, Pa or mbar, m/s, W/m^2), its unit for
// messages, and the factor and offset to SI.
struct Field {
  WeatherQuantity quantity;
  double lo, hi;
  const char* unit;
  double scale, offset;
};

// A weather year being read: the hours, each row's line, which values were missing.
struct RawYear {
  WeatherYear year;
  std::vector<int> lines;
  std::array<std::vector<char>, kWeatherQuantities> missing;
};

// Stores one value: missing (marked, filled later), or parsed, range-checked and made SI.
void store(RawYear& raw, const std::string& path, int line, const Field& f, const std::string& text,
           bool is_missing) {
  const auto q = static_cast<std::size_t>(f.quantity);
  raw.missing[q].push_back(is_missing ? 1 : 0);
  if (is_missing) return;
  const double x = number(path, line, text, weather_quantity_name(f.quantity));
  if (!(x >= f.lo && x <= f.hi)) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s %g %s outside the physical range %g..%g %s",
                  weather_quantity_name(f.quantity), x, f.unit, f.lo, f.hi, f.unit);
    fail(path, line, buf);
  }
  value_of(raw.year.hours.back(), f.quantity) = x * f.scale + f.offset;
}

// Checks the row count and that row i is hour i of the year; sets hour_of_year.
void check_calendar(RawYear& raw, const std::string& path, int end_line) {
  auto& hours = raw.year.hours;
  const std::size_t n = hours.size();
  if (n != 8760 && n != 8784)
    fail(path, end_line,
         std::to_string(n) + " hourly rows (expected 8760, or 8784 in a leap year)");
  const bool leap = n == 8784;
  const int days_in[12] = {31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::size_t i = 0;
  for (int m = 1; m <= 12; ++m)
    for (int d = 1; d <= days_in[m - 1]; ++d)
      for (int h = 1; h <= 24; ++h, ++i) {
        WeatherHour& w = hours[i];
        if (w.month != m || w.day != d || w.hour != h) {
          char buf[200];
          std::snprintf(buf, sizeof buf,
                        "month %d, day %d, hour %d where hour %zu of the year (month %d, day %d, "
                        "hour %d) was expected: a missing, repeated or misplaced row",
                        w.month, w.day, w.hour, i + 1, m, d, h);
          fail(path, raw.lines[i], buf);
        }
        w.hour_of_year = static_cast<int>(i);
      }
  if (leap)
    raw.year.notes.push_back(
        "leap year: 8784 hours, February 29 included; a non-leap annual "
        "run drops its 24 hours or keeps them (the caller's choice)");
}

// Fills missing values by linear interpolation in time between the nearest valid hours (the
// nearest valid value at either end of the year); refuses gaps longer than a day.
void fill_missing(RawYear& raw, const std::string& path) {
  auto& hours = raw.year.hours;
  const std::size_t n = hours.size();
  for (int qi = 0; qi < kWeatherQuantities; ++qi) {
    const auto q = static_cast<WeatherQuantity>(qi);
    const auto& miss = raw.missing[static_cast<std::size_t>(qi)];
    if (std::count(miss.begin(), miss.end(), 1) == static_cast<long>(n)) {
      if (q != WeatherQuantity::GlobalHorizontal)
        fail(path, raw.lines[0], std::string(weather_quantity_name(q)) + " missing in every row");
      raw.year.has_global_horizontal = false;
      for (auto& h : hours) h.global_horizontal_W_m2 = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    for (std::size_t i = 0; i < n;) {
      if (!miss[i]) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < n && miss[j]) ++j;
      if (j - i > kLongestFilledGap_h)
        fail(path, raw.lines[i],
             std::string(weather_quantity_name(q)) + " missing for " + std::to_string(j - i) +
                 " hours in a row from here (at most " + std::to_string(kLongestFilledGap_h) +
                 " are filled by interpolation)");
      const bool has_before = i > 0, has_after = j < n;
      const double before = has_before ? value_of(hours[i - 1], q) : 0;
      const double after = has_after ? value_of(hours[j], q) : 0;
      for (std::size_t k = i; k < j; ++k) {
        double v = has_before ? before : after;
        if (has_before && has_after)
          v = before +
              (after - before) * static_cast<double>(k - i + 1) / static_cast<double>(j - i + 1);
        value_of(hours[k], q) = v;
      }
      raw.year.filled[static_cast<std::size_t>(qi)] += static_cast<int>(j - i);
      i = j;
    }
  }
}

std::ifstream open(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  return in;
}

void check_station(const std::string& path, int line, const WeatherStation& s) {
  if (!(s.latitude_deg >= -90 && s.latitude_deg <= 90))
    fail(path, line, "latitude " + std::to_string(s.latitude_deg) + " outside -90..90");
  if (!(s.longitude_deg >= -180 && s.longitude_deg <= 180))
    fail(path, line, "longitude " + std::to_string(s.longitude_deg) + " outside -180..180");
  if (!(s.time_zone_h >= -12 && s.time_zone_h <= 14))
    fail(path, line, "time zone " + std::to_string(s.time_zone_h) + " h outside -12..14");
  if (!(s.elevation_m >= -500 && s.elevation_m <= 9000))
    fail(path, line, "elevation " + std::to_string(s.elevation_m) + " m outside -500..9000");
}

}  // namespace

const char* weather_quantity_name(WeatherQuantity q) {
  switch (q) {
    case WeatherQuantity::DryBulb:
      return "dry bulb";
    case WeatherQuantity::DewPoint:
      return "dew point";
    case WeatherQuantity::RelativeHumidity:
      return "relative humidity";
    case WeatherQuantity::Pressure:
      return "pressure";
    case WeatherQuantity::WindSpeed:
      return "wind speed";
    case WeatherQuantity::GlobalHorizontal:
      break;
  }
  return "global horizontal irradiance";
}

WeatherYear read_tmy3(const std::string& path) {
  auto in = open(path);
  RawYear raw;
  raw.year.path = path;
  raw.year.format = "TMY3";
  std::string text;
  if (!std::getline(in, text)) fail(path, 1, "empty file (expected the TMY3 station line)");
  auto head = split_csv(text);
  if (head.size() < 7)
    fail(path, 1,
         "station line has " + std::to_string(head.size()) +
             " fields (expected USAF, name, state, time zone, latitude, longitude, "
             "elevation)");
  WeatherStation& st = raw.year.station;
  st.id = head[0];
  st.name = head[1];
  st.state = head[2];
  st.time_zone_h = number(path, 1, head[3], "time zone");
  st.latitude_deg = number(path, 1, head[4], "latitude");
  st.longitude_deg = number(path, 1, head[5], "longitude");
  st.elevation_m = number(path, 1, head[6], "elevation");
  check_station(path, 1, st);

  if (!std::getline(in, text)) fail(path, 2, "no column header line");
  const auto header = split_csv(text);
  auto column = [&](const char* name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) fail(path, 2, std::string("no column '") + name + "'");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t c_date = column("Date (MM/DD/YYYY)"), c_time = column("Time (HH:MM)");
  // Each value column is followed by its source flag (TMY3 manual, table 1-1).
  const std::pair<Field, std::size_t> fields[] = {
      {{WeatherQuantity::DryBulb, -70, 70, "degC", 1, kZeroCelsius_K}, column("Dry-bulb (C)")},
      {{WeatherQuantity::DewPoint, -70, 70, "degC", 1, kZeroCelsius_K}, column("Dew-point (C)")},
      {{WeatherQuantity::RelativeHumidity, 0, 110, "%", 0.01, 0}, column("RHum (%)")},
      {{WeatherQuantity::Pressure, 310, 1200, "mbar", 100, 0}, column("Pressure (mbar)")},
      {{WeatherQuantity::WindSpeed, 0, 40, "m/s", 1, 0}, column("Wspd (m/s)")},
      {{WeatherQuantity::GlobalHorizontal, 0, 1500, "W/m^2", 1, 0}, column("GHI (W/m^2)")},
  };
  for (const auto& f : fields)
    if (f.second + 1 >= header.size() || header[f.second + 1].find("source") == std::string::npos)
      fail(path, 2, "column '" + header[f.second] + "' is not followed by its source flag");

  int line = 2;
  while (std::getline(in, text)) {
    ++line;
    if (trim(text).empty()) continue;
    const auto row = split_csv(text);
    if (row.size() != header.size())
      fail(path, line,
           std::to_string(row.size()) + " fields where the header has " +
               std::to_string(header.size()));
    WeatherHour h;
    int minute = -1;
    char tail = 0;
    if (std::sscanf(row[c_date].c_str(), "%d/%d/%d%c", &h.month, &h.day, &h.year, &tail) != 3)
      fail(path, line, "date '" + row[c_date] + "' is not MM/DD/YYYY");
    if (std::sscanf(row[c_time].c_str(), "%d:%d%c", &h.hour, &minute, &tail) != 2 || minute != 0)
      fail(path, line, "time '" + row[c_time] + "' is not HH:00");
    h.minute = minute;
    raw.year.hours.push_back(h);
    raw.lines.push_back(line);
    for (const auto& [f, c] : fields) {
      double x = 0;
      const bool missing = row[c + 1] == "?" || (parse_double(row[c], x) && x == -9900);
      store(raw, path, line, f, row[c], missing);
    }
  }
  check_calendar(raw, path, line + 1);
  fill_missing(raw, path);
  return raw.year;
}

WeatherYear read_epw(const std::string& path) {
  auto in = open(path);
  RawYear raw;
  raw.year.path = path;
  raw.year.format = "EPW";
  const char* const kHeaders[8] = {"LOCATION",
                                   "DESIGN CONDITIONS",
                                   "TYPICAL/EXTREME PERIODS",
                                   "GROUND TEMPERATURES",
                                   "HOLIDAYS/DAYLIGHT SAVINGS",
                                   "COMMENTS 1",
                                   "COMMENTS 2",
                                   "DATA PERIODS"};
  std::string text;
  int line = 0;
  for (const char* keyword : kHeaders) {
    ++line;
    if (!std::getline(in, text))
      fail(path, line, std::string("file ends before the '") + keyword + "' header line");
    const auto f = split_csv(text);
    if (f[0] != keyword)
      fail(path, line,
           std::string("expected the '") + keyword +
               "' header line (an EPW file "
               "has eight, in order), found '" +
               f[0] + "'");
    if (line == 1) {
      if (f.size() < 10)
        fail(path, 1,
             "LOCATION has " + std::to_string(f.size() - 1) +
                 " fields (expected city, state, country, source, WMO, latitude, "
                 "longitude, time zone, elevation)");
      WeatherStation& st = raw.year.station;
      st.name = f[1];
      st.state = f[2];
      st.country = f[3];
      st.id = f[5];
      st.latitude_deg = number(path, 1, f[6], "latitude");
      st.longitude_deg = number(path, 1, f[7], "longitude");
      st.time_zone_h = number(path, 1, f[8], "time zone");
      st.elevation_m = number(path, 1, f[9], "elevation");
      check_station(path, 1, st);
    }
    if (line == 8) {
      if (f.size() < 3) fail(path, 8, "DATA PERIODS gives no records per hour");
      const int per_hour = integer(path, 8, f[2], "records per hour");
      if (per_hour != 1)
        fail(path, 8, std::to_string(per_hour) + " records per hour (only hourly files are read)");
    }
  }
  // EPW data fields (0-based), the missing marker of each and its range; wind speed is the
  // 22nd field, the last one read.
  constexpr std::size_t kFieldsRead = 22;
  struct EpwField {
    Field field;
    std::size_t index;
    double missing_from;
  };
  const EpwField fields[] = {
      {{WeatherQuantity::DryBulb, -70, 70, "degC", 1, kZeroCelsius_K}, 6, 99.9},
      {{WeatherQuantity::DewPoint, -70, 70, "degC", 1, kZeroCelsius_K}, 7, 99.9},
      {{WeatherQuantity::RelativeHumidity, 0, 110, "%", 0.01, 0}, 8, 999},
      {{WeatherQuantity::Pressure, 31000, 120000, "Pa", 1, 0}, 9, 999999},
      {{WeatherQuantity::WindSpeed, 0, 40, "m/s", 1, 0}, 21, 999},
      {{WeatherQuantity::GlobalHorizontal, 0, 1500, "W/m^2", 1, 0}, 13, 9999},
  };
  while (std::getline(in, text)) {
    ++line;
    if (trim(text).empty()) continue;
    const auto row = split_csv(text);
    if (row.size() < kFieldsRead)
      fail(path, line,
           std::to_string(row.size()) + " fields (an EPW data row has 35; at least " +
               std::to_string(kFieldsRead) + ", through wind speed, are read)");
    WeatherHour h;
    h.year = integer(path, line, row[0], "year");
    h.month = integer(path, line, row[1], "month");
    h.day = integer(path, line, row[2], "day");
    h.hour = integer(path, line, row[3], "hour");
    h.minute = integer(path, line, row[4], "minute");
    raw.year.hours.push_back(h);
    raw.lines.push_back(line);
    for (const auto& e : fields) {
      const double x = number(path, line, row[e.index], weather_quantity_name(e.field.quantity));
      store(raw, path, line, e.field, row[e.index], x >= e.missing_from);
    }
  }
  check_calendar(raw, path, line + 1);
  fill_missing(raw, path);
  return raw.year;
}

WeatherYear read_weather(const std::string& path) {
  std::string tail = path.size() >= 4 ? path.substr(path.size() - 4) : path;
  std::transform(tail.begin(), tail.end(), tail.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return tail == ".epw" ? read_epw(path) : read_tmy3(path);
}

}  // namespace kelvin

// Weather readers (solver/facility/weather.hpp): the two shipped NREL TMY3 years (data/weather,
// from pvlib's data folder) read whole, an EPW written here from one of them read back, the
// missing-data fill, and every kind of bad file refused at its line. pvlib's own readers are the
// oracle in tests/oracles/pvlib_weather.py (Oracle.WeatherReaderMatchesPvlib).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "solver/facility/weather.hpp"

using namespace kelvin;

namespace {

constexpr double kC = 273.15;
const std::string kGreensboro = KELVIN_SOURCE_DIR "/data/weather/723170TYA.CSV";
const std::string kSandPoint = KELVIN_SOURCE_DIR "/data/weather/703165TY.csv";

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// A file in a fresh temporary folder, removed with the object.
class TempFile {
 public:
  TempFile(const std::string& name, const std::vector<std::string>& lines) {
    static int serial = 0;
    m_dir = std::filesystem::temp_directory_path() /
            ("kelvin_weather_" + std::to_string(::getpid()) + "_" + std::to_string(serial++));
    std::filesystem::create_directories(m_dir);
    m_path = (m_dir / name).string();
    std::ofstream out(m_path);
    for (const auto& l : lines) out << l << "\n";
  }
  ~TempFile() { std::filesystem::remove_all(m_dir); }
  const std::string& path() const { return m_path; }

 private:
  std::filesystem::path m_dir;
  std::string m_path;
};

// Splits a CSV line without quotes.
std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  for (std::string f; std::getline(s, f, ',');) out.push_back(f);
  return out;
}

std::string join(const std::vector<std::string>& f) {
  std::string s;
  for (std::size_t i = 0; i < f.size(); ++i) s += (i ? "," : "") + f[i];
  return s;
}

// The message of the runtime_error f throws ("" and a failure when none).
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

std::string fmt(double x, const char* format) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

// An EPW of the year y (8 header lines per the EPW data dictionary, 35 fields a row, fields
// not in y at EPW's missing markers), the way EnergyPlus's converter lays one out.
std::vector<std::string> epw_lines(const WeatherYear& y) {
  const WeatherStation& s = y.station;
  std::vector<std::string> lines = {
      "LOCATION," + s.name + "," + s.state + ",USA,NREL TMY3," + s.id + "," +
          fmt(s.latitude_deg, "%.3f") + "," + fmt(s.longitude_deg, "%.3f") + "," +
          fmt(s.time_zone_h, "%.1f") + "," + fmt(s.elevation_m, "%.1f"),
      "DESIGN CONDITIONS,0",
      "TYPICAL/EXTREME PERIODS,0",
      "GROUND TEMPERATURES,0",
      "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
      "COMMENTS 1,written by tests/unit_facility_weather.cpp",
      "COMMENTS 2,a format test",
      "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31"};
  for (const WeatherHour& h : y.hours) {
    char row[512];
    std::snprintf(row, sizeof row,
                  "%d,%d,%d,%d,60,?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9*9*9,%.1f,%.1f,%.0f,%.0f,"
                  "9999,9999,9999,%.0f,9999,9999,999999,999999,999999,9999,999,%.1f,"
                  "99,99,9999,99999,9,999999999,999,0.999,999,99,999,999,99",
                  h.year, h.month, h.day, h.hour, h.dry_bulb_K - kC, h.dew_point_K - kC,
                  h.relative_humidity * 100, h.pressure_Pa, h.global_horizontal_W_m2,
                  h.wind_speed_m_s);
    lines.push_back(row);
  }
  return lines;
}

struct Summary {
  double mean_dry_bulb_C, max_dry_bulb_C, min_dry_bulb_C, mean_dew_point_C, mean_rh,
      mean_pressure_Pa, mean_ghi;
};

Summary summarise(const WeatherYear& y) {
  Summary s{0, -1e9, 1e9, 0, 0, 0, 0};
  for (const auto& h : y.hours) {
    s.mean_dry_bulb_C += h.dry_bulb_K - kC;
    s.max_dry_bulb_C = std::max(s.max_dry_bulb_C, h.dry_bulb_K - kC);
    s.min_dry_bulb_C = std::min(s.min_dry_bulb_C, h.dry_bulb_K - kC);
    s.mean_dew_point_C += h.dew_point_K - kC;
    s.mean_rh += h.relative_humidity;
    s.mean_pressure_Pa += h.pressure_Pa;
    s.mean_ghi += h.global_horizontal_W_m2;
  }
  const double n = static_cast<double>(y.hours.size());
  for (double* x :
       {&s.mean_dry_bulb_C, &s.mean_dew_point_C, &s.mean_rh, &s.mean_pressure_Pa, &s.mean_ghi})
    *x /= n;
  return s;
}

}  // namespace

TEST(FacilityWeather, ShippedGreensboroTmy3YearReadsWhole) {
  // Expected values from the file's columns summed by Python's csv module (not through Kelvin).
  const WeatherYear y = read_weather(kGreensboro);
  EXPECT_EQ(y.format, "TMY3");
  EXPECT_EQ(y.station.id, "723170");
  EXPECT_EQ(y.station.name, "GREENSBORO PIEDMONT TRIAD INT");
  EXPECT_EQ(y.station.state, "NC");
  EXPECT_DOUBLE_EQ(y.station.latitude_deg, 36.1);
  EXPECT_DOUBLE_EQ(y.station.longitude_deg, -79.95);
  EXPECT_DOUBLE_EQ(y.station.elevation_m, 273);
  EXPECT_DOUBLE_EQ(y.station.time_zone_h, -5);
  ASSERT_EQ(y.hours.size(), 8760u);
  EXPECT_TRUE(y.notes.empty());
  EXPECT_TRUE(y.has_global_horizontal);
  for (int n : y.filled) EXPECT_EQ(n, 0);
  for (std::size_t i = 0; i < y.hours.size(); ++i) ASSERT_EQ(y.hours[i].hour_of_year, int(i));
  const WeatherHour& first = y.hours.front();
  EXPECT_EQ(first.year, 1988);
  EXPECT_EQ(first.month, 1);
  EXPECT_EQ(first.day, 1);
  EXPECT_EQ(first.hour, 1);
  EXPECT_NEAR(first.dry_bulb_K, kC + 10.0, 1e-12);
  EXPECT_NEAR(first.dew_point_K, kC + 6.1, 1e-12);
  EXPECT_NEAR(first.relative_humidity, 0.77, 1e-15);
  EXPECT_NEAR(first.pressure_Pa, 99300, 1e-9);
  EXPECT_NEAR(first.wind_speed_m_s, 6.2, 1e-15);
  EXPECT_EQ(y.hours.back().month, 12);
  EXPECT_EQ(y.hours.back().day, 31);
  EXPECT_EQ(y.hours.back().hour, 24);
  const Summary s = summarise(y);
  EXPECT_NEAR(s.mean_dry_bulb_C, 14.421849315068439, 1e-9);
  EXPECT_NEAR(s.max_dry_bulb_C, 35.6, 1e-9);
  EXPECT_NEAR(s.min_dry_bulb_C, -16.7, 1e-9);
  EXPECT_NEAR(s.mean_dew_point_C, 8.179600456620932, 1e-9);
  EXPECT_NEAR(s.mean_rh, 0.6951609589041095, 1e-12);
  EXPECT_NEAR(s.mean_pressure_Pa, 98691.72374429223, 1e-6);
  EXPECT_NEAR(s.mean_ghi, 178.79029680365298, 1e-9);
}

TEST(FacilityWeather, ShippedSandPointTmy3YearReadsWhole) {
  const WeatherYear y = read_tmy3(kSandPoint);
  EXPECT_EQ(y.station.id, "703165");
  EXPECT_EQ(y.station.name, "SAND POINT");
  EXPECT_EQ(y.station.state, "AK");
  EXPECT_DOUBLE_EQ(y.station.latitude_deg, 55.317);
  EXPECT_DOUBLE_EQ(y.station.longitude_deg, -160.517);
  EXPECT_DOUBLE_EQ(y.station.elevation_m, 7);
  EXPECT_DOUBLE_EQ(y.station.time_zone_h, -9);
  ASSERT_EQ(y.hours.size(), 8760u);
  for (int n : y.filled) EXPECT_EQ(n, 0);
  const Summary s = summarise(y);
  EXPECT_NEAR(s.mean_dry_bulb_C, 4.4206506849314815, 1e-9);
  EXPECT_NEAR(s.max_dry_bulb_C, 19.4, 1e-9);
  EXPECT_NEAR(s.min_dry_bulb_C, -10.6, 1e-9);
  EXPECT_NEAR(s.mean_dew_point_C, 0.125890410958914, 1e-9);
  EXPECT_NEAR(s.mean_rh, 0.7348664383561643, 1e-12);
  EXPECT_NEAR(s.mean_pressure_Pa, 101200, 1e-6);  // every hour 1012 mbar (source flag E)
  EXPECT_NEAR(s.mean_ghi, 94.66244292237442, 1e-9);
}

TEST(FacilityWeather, EpwWrittenFromTmy3ReadsBackTheSameYear) {
  const WeatherYear tmy = read_tmy3(kGreensboro);
  const TempFile epw("greensboro.epw", epw_lines(tmy));
  const WeatherYear y = read_weather(epw.path());
  EXPECT_EQ(y.format, "EPW");
  EXPECT_EQ(y.station.name, tmy.station.name);
  EXPECT_EQ(y.station.country, "USA");
  EXPECT_DOUBLE_EQ(y.station.latitude_deg, 36.1);
  EXPECT_DOUBLE_EQ(y.station.longitude_deg, -79.95);
  EXPECT_DOUBLE_EQ(y.station.time_zone_h, -5);
  ASSERT_EQ(y.hours.size(), tmy.hours.size());
  for (std::size_t i = 0; i < y.hours.size(); ++i) {
    const WeatherHour &a = y.hours[i], &b = tmy.hours[i];
    ASSERT_EQ(a.month, b.month);
    ASSERT_EQ(a.day, b.day);
    ASSERT_EQ(a.hour, b.hour);
    ASSERT_NEAR(a.dry_bulb_K, b.dry_bulb_K, 1e-9) << i;
    ASSERT_NEAR(a.dew_point_K, b.dew_point_K, 1e-9) << i;
    ASSERT_NEAR(a.relative_humidity, b.relative_humidity, 1e-12) << i;
    ASSERT_NEAR(a.pressure_Pa, b.pressure_Pa, 1e-9) << i;
    ASSERT_NEAR(a.wind_speed_m_s, b.wind_speed_m_s, 1e-9) << i;
    ASSERT_NEAR(a.global_horizontal_W_m2, b.global_horizontal_W_m2, 1e-9) << i;
  }
}

TEST(FacilityWeather, MissingValuesAreInterpolatedAndCounted) {
  const WeatherYear tmy = read_tmy3(kGreensboro);
  auto lines = epw_lines(tmy);
  // Hours 100-102 (lines 109-111) lose their dry bulb, hour 0 its pressure (the year's start:
  // the next valid value), hour 5000 its wind speed; GHI missing everywhere.
  for (int h : {100, 101, 102}) {
    auto f = fields(lines[8 + h]);
    f[6] = "99.9";
    lines[8 + h] = join(f);
  }
  auto f0 = fields(lines[8]);
  f0[9] = "999999";
  lines[8] = join(f0);
  auto f5 = fields(lines[8 + 5000]);
  f5[21] = "999";
  lines[8 + 5000] = join(f5);
  for (std::size_t i = 8; i < lines.size(); ++i) {
    auto f = fields(lines[i]);
    f[13] = "9999";
    lines[i] = join(f);
  }
  const TempFile epw("gaps.epw", lines);
  const WeatherYear y = read_epw(epw.path());
  EXPECT_EQ(y.filled[int(WeatherQuantity::DryBulb)], 3);
  EXPECT_EQ(y.filled[int(WeatherQuantity::Pressure)], 1);
  EXPECT_EQ(y.filled[int(WeatherQuantity::WindSpeed)], 1);
  EXPECT_EQ(y.filled[int(WeatherQuantity::DewPoint)], 0);
  EXPECT_FALSE(y.has_global_horizontal);
  EXPECT_TRUE(std::isnan(y.hours[42].global_horizontal_W_m2));
  const double a = tmy.hours[99].dry_bulb_K, b = tmy.hours[103].dry_bulb_K;
  for (int k = 1; k <= 3; ++k) EXPECT_NEAR(y.hours[99 + k].dry_bulb_K, a + (b - a) * k / 4.0, 1e-9);
  EXPECT_NEAR(y.hours[0].pressure_Pa, tmy.hours[1].pressure_Pa, 1e-9);
  EXPECT_NEAR(y.hours[5000].wind_speed_m_s,
              0.5 * (tmy.hours[4999].wind_speed_m_s + tmy.hours[5001].wind_speed_m_s), 1e-9);

  // TMY3: -9900 and the source flag '?' are missing too (rows 3 and 4 = hours 0 and 1).
  auto t = read_lines(kGreensboro);
  auto r0 = fields(t[2]);
  r0[31] = "-9900";  // Dry-bulb (C)
  t[2] = join(r0);
  auto r1 = fields(t[3]);
  r1[35] = "?";  // Dew-point source
  t[3] = join(r1);
  const TempFile tmy3("flags.csv", t);
  const WeatherYear z = read_tmy3(tmy3.path());
  EXPECT_EQ(z.filled[int(WeatherQuantity::DryBulb)], 1);
  EXPECT_EQ(z.filled[int(WeatherQuantity::DewPoint)], 1);
  EXPECT_NEAR(z.hours[0].dry_bulb_K, tmy.hours[1].dry_bulb_K, 1e-9);
  EXPECT_NEAR(z.hours[1].dew_point_K, 0.5 * (tmy.hours[0].dew_point_K + tmy.hours[2].dew_point_K),
              1e-9);
}

TEST(FacilityWeather, LeapYearOf8784HoursIsReadWithANote) {
  WeatherYear tmy = read_tmy3(kGreensboro);
  // Insert February 29 (24 copies of February 28's hours) after hour 1415 (Feb 28, 24:00).
  std::vector<WeatherHour> leap(tmy.hours.begin() + 1392, tmy.hours.begin() + 1416);
  for (auto& h : leap) h.day = 29;
  tmy.hours.insert(tmy.hours.begin() + 1416, leap.begin(), leap.end());
  const TempFile epw("leap.epw", epw_lines(tmy));
  const WeatherYear y = read_epw(epw.path());
  ASSERT_EQ(y.hours.size(), 8784u);
  EXPECT_EQ(y.hours[1416].month, 2);
  EXPECT_EQ(y.hours[1416].day, 29);
  EXPECT_EQ(y.hours.back().hour_of_year, 8783);
  ASSERT_EQ(y.notes.size(), 1u);
  EXPECT_NE(y.notes[0].find("leap year"), std::string::npos);
}

TEST(FacilityWeather, BadFilesAreRefusedAtTheirLine) {
  const WeatherYear tmy = read_tmy3(kGreensboro);
  const auto good = epw_lines(tmy);
  auto refused = [&](std::vector<std::string> lines, const std::string& name,
                     const std::string& where, const std::string& what) {
    const TempFile file(name, lines);
    const std::string e = error_of([&] { read_weather(file.path()); });
    EXPECT_NE(e.find(file.path() + ":" + where + ": "), std::string::npos) << e;
    EXPECT_NE(e.find(what), std::string::npos) << e;
  };
  auto with = [&](std::size_t line, int field, const std::string& value) {
    auto lines = good;
    auto f = fields(lines[line - 1]);
    f[std::size_t(field)] = value;
    lines[line - 1] = join(f);
    return lines;
  };
  // EPW: a short row, a non-number, a value outside its range, an hour out of sequence.
  auto short_row = good;
  short_row[99] = short_row[99].substr(0, short_row[99].find(",?9"));
  refused(short_row, "short.epw", "100", "5 fields");
  refused(with(200, 7, "warm"), "word.epw", "200", "dew point 'warm' is not a number");
  refused(with(300, 6, "75.0"), "hot.epw", "300", "dry bulb 75 degC outside");
  refused(with(400, 9, "20000"), "low.epw", "400", "pressure 20000 Pa outside");
  refused(with(500, 21, "-1"), "wind.epw", "500", "wind speed -1 m/s outside");
  refused(with(600, 3, "7"), "order.epw", "600", "hour 7 where hour 592 of the year");
  // Row count: one hour short, reported after the last line.
  auto shorter = good;
  shorter.pop_back();
  refused(shorter, "8759.epw", "8768", "8759 hourly rows (expected 8760, or 8784");
  // Headers: one missing, sub-hourly data.
  auto no_ground = good;
  no_ground.erase(no_ground.begin() + 3);
  refused(no_ground, "headers.epw", "4", "expected the 'GROUND TEMPERATURES' header line");
  auto quarter = good;
  quarter[7] = "DATA PERIODS,1,4,Data,Sunday, 1/ 1,12/31";
  refused(quarter, "quarter.epw", "8", "4 records per hour");
  // A gap of 25 hours is refused at its first line; 24 are filled.
  auto gap = good;
  for (int h = 2000; h < 2025; ++h) {
    auto f = fields(gap[8 + h]);
    f[8] = "999";
    gap[8 + h] = join(f);
  }
  refused(gap, "gap.epw", std::to_string(8 + 2000 + 1),
          "relative humidity missing for 25 hours in a row");
  gap[8 + 2024] = good[8 + 2024];
  const TempFile day_gap("day.epw", gap);
  EXPECT_EQ(read_epw(day_gap.path()).filled[int(WeatherQuantity::RelativeHumidity)], 24);

  // TMY3: a renamed column, a station line too short, a malformed date, a row of the wrong width.
  auto t = read_lines(kGreensboro);
  auto renamed = t;
  const auto pos = renamed[1].find("Dry-bulb (C)");
  renamed[1].replace(pos, 12, "Drybulb (C)");
  refused(renamed, "renamed.csv", "2", "no column 'Dry-bulb (C)'");
  auto station = t;
  station[0] = "723170,\"GREENSBORO\",NC";
  refused(station, "station.csv", "1", "station line has 3 fields");
  auto date = t;
  date[10].replace(0, 10, "1988-01-09");
  refused(date, "date.csv", "11", "is not MM/DD/YYYY");
  auto wide = t;
  wide[20] += ",1";
  refused(wide, "wide.csv", "21", "72 fields where the header has 71");
  refused({}, "empty.csv", "1", "empty file");
  EXPECT_NE(error_of([] { read_tmy3("/nonexistent/weather.csv"); }).find("cannot be read"),
            std::string::npos);
}

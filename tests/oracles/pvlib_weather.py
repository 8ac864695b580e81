#!/usr/bin/env python3
"""pvlib's readers (PyPI package pvlib) as the oracle for Kelvin's weather readers
(solver/facility/weather.hpp).

    python3 tests/oracles/pvlib_weather.py DRIVER DATA_DIR
        DRIVER: the built tests/facility_driver; DATA_DIR: data/weather

TMY3: reads the two shipped NREL TMY3 files (723170TYA.CSV, Greensboro NC; 703165TY.csv, Sand
Point AK; both from pvlib's own data folder) with pvlib.iotools.read_tmy3(map_variables=True)
and with Kelvin (the driver's "weather FILE" lines), and requires, hour by hour, the same time
stamp (pvlib's index is the hour's end, 24:00 as 00:00 of the next day, a leap day moved to
March 1) and the same dry bulb,
dew point, relative humidity, pressure, wind speed and global horizontal irradiance: Kelvin's SI
values taken back to the file's units (K - 273.15, /100 for mbar, x100 for %) within 1e-9 of
pvlib's (the files print one decimal; the rest is the round-off of the conversions), and the
station's metadata (id, name, state, time zone, latitude, longitude, elevation).

EPW: pvlib ships no EPW file, so this script writes one: the Greensboro TMY3 values in the EPW
layout (EnergyPlus Auxiliary Programs, "EnergyPlus Weather File (EPW) Data Dictionary": eight
header lines, 35 fields a row, the fields TMY3 lacks at EPW's missing markers), with four
missing-data markers put in on purpose (dry bulb 99.9 for three hours in a row, pressure 999999
for one). It is a format test on real weather values, not a real EnergyPlus weather file. Both
pvlib.iotools.read_epw and Kelvin read it: the same values everywhere except at the markers,
where pvlib returns the marker and Kelvin its linear interpolation between the neighbouring
hours, which the script computes and compares (1e-9), and Kelvin's fill counts (3 and 1).

Without pvlib the script exits 77 (CTest's "skipped").
"""
import datetime
import os
import subprocess
import sys
import tempfile

SKIP_EXIT_CODE = 77
TOLERANCE = 1e-9
FILES = ["723170TYA.CSV", "703165TY.csv"]
# (Kelvin's column in an "hour" line, pvlib's column, Kelvin SI -> file units)
QUANTITIES = [
    ("dry bulb", 6, "temp_air", lambda x: x - 273.15),
    ("dew point", 7, "temp_dew", lambda x: x - 273.15),
    ("relative humidity", 8, "relative_humidity", lambda x: x * 100.0),
    ("pressure", 9, None, None),  # TMY3 mbar, EPW Pa: set per format below
    ("wind speed", 10, "wind_speed", lambda x: x),
    ("global horizontal", 11, "ghi", lambda x: x),
]
MISSING_DRY_BULB_HOURS = [1000, 1001, 1002]  # rows (0-based) given 99.9 in the EPW
MISSING_PRESSURE_HOURS = [4000]              # rows given 999999


def kelvin_years(driver, paths):
    """{path: (station fields, [hour rows as floats], {quantity: filled})} from the driver."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as fh:
        for path in paths:
            fh.write(f"weather {path}\n")
        fh.flush()
        out = subprocess.run([driver, fh.name], capture_output=True, text=True,
                             check=True).stdout
    years, current = {}, None
    paths = iter(paths)
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "station":
            current = {"hours": [], "filled": {}}
            ids, lat, lon, elev, tz = rest.rsplit(" ", 4)
            current["station"] = ids.split("|") + [float(lat), float(lon), float(elev), float(tz)]
            years[next(paths)] = current
        elif kind == "hour":
            current["hours"].append([float(x) for x in rest.split()])
        elif kind == "filled":
            name, n = rest.rsplit(" ", 1)
            current["filled"][name] = int(n)
    return years


def compare(label, kelvin, data, pressure, missing=None):
    """Hour-by-hour comparison; returns the number of failures. pressure: (pvlib's column,
    Kelvin's Pa -> the file's unit); missing: {(row, quantity): the value Kelvin must have
    filled in}."""
    failures = 0
    if len(kelvin["hours"]) != len(data):
        print(f"{label}: Kelvin read {len(kelvin['hours'])} hours, pvlib {len(data)}")
        return 1
    for name, col, pv_col, to_file in QUANTITIES:
        if name == "pressure":
            pv_col, to_file = pressure
        pv = data[pv_col].to_numpy(dtype=float)
        worst = 0.0
        for i, row in enumerate(kelvin["hours"]):
            want = pv[i]
            if missing and (i, name) in missing:
                want = missing[(i, name)]
            d = abs(to_file(row[col]) - want)
            if not d <= TOLERANCE:
                failures += 1
                if failures <= 10:
                    print(f"{label}: hour {i}: {name} Kelvin {to_file(row[col])!r} pvlib {want!r}")
            worst = max(worst, d)
        print(f"{label}: {name:18s} {len(pv)} hours, largest difference {worst:.3g}")
    # Time stamps: Kelvin keeps the file's year, month, day and hour (1..24, the hour's end).
    # TMY3: pvlib's index is that instant, except that pvlib moves a February 29 to March 1 (a
    # TMY year has no leap day: Greensboro's February 28 24:00 in 1996 is March 1 00:00 to it).
    # EPW: pvlib's index is the hour's start; its year, month, day, hour columns are the file's.
    bad = 0
    for i, row in enumerate(kelvin["hours"]):
        year, month, day, hour = (int(x) for x in row[1:5])
        if label == "EPW":
            got = tuple(int(data[c].iloc[i]) for c in ("year", "month", "day", "hour"))
            want = (year, month, day, hour)
        else:
            when = datetime.datetime(year, month, day) + datetime.timedelta(hours=hour)
            if (when.month, when.day) == (2, 29):
                when += datetime.timedelta(days=1)
            t = data.index[i]
            got = (t.year, t.month, t.day, t.hour)
            want = (when.year, when.month, when.day, when.hour)
        if got != want or int(row[0]) != i:
            bad += 1
            if bad <= 5:
                print(f"{label}: hour {i}: Kelvin {want} (hour_of_year {int(row[0])}), "
                      f"pvlib {got}")
    print(f"{label}: time stamps: {len(data) - bad} of {len(data)} equal")
    return failures + bad


def write_epw(path, meta, data):
    """The TMY3 year `data` (pvlib's frame) in the EPW layout, with the planted markers."""
    with open(path, "w") as fh:
        fh.write(f"LOCATION,{meta['Name'].strip(chr(34))},{meta['State']},USA,NREL TMY3,"
                 f"{meta['USAF']},{meta['latitude']},{meta['longitude']},{meta['TZ']},"
                 f"{meta['altitude']}\n")
        fh.write("DESIGN CONDITIONS,0\nTYPICAL/EXTREME PERIODS,0\nGROUND TEMPERATURES,0\n"
                 "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0\n"
                 "COMMENTS 1,written by tests/oracles/pvlib_weather.py from NREL TMY3 "
                 "723170TYA.CSV\nCOMMENTS 2,a format test: not an EnergyPlus weather file\n"
                 "DATA PERIODS,1,1,Data,Sunday, 1/ 1,12/31\n")
        dates = data["Date (MM/DD/YYYY)"].to_numpy()
        times = data["Time (HH:MM)"].to_numpy()
        for i in range(len(data)):
            month, day, year = dates[i].split("/")
            hour = int(times[i].split(":")[0])
            r = data.iloc[i]
            db = 99.9 if i in MISSING_DRY_BULB_HOURS else r["temp_air"]
            p = 999999 if i in MISSING_PRESSURE_HOURS else round(r["pressure"] * 100)
            fields = [year, int(month), int(day), hour, 60, "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9*9*9",
                      db, r["temp_dew"], int(r["relative_humidity"]), p,
                      9999, 9999, 9999, int(r["ghi"]), int(r["dni"]), int(r["dhi"]),
                      999999, 999999, 999999, 9999, int(r["wind_direction"]), r["wind_speed"],
                      99, 99, 9999, 99999, 9, 999999999, 999, 0.999, 999, 99, 999, 999, 99]
            fh.write(",".join(str(f) for f in fields) + "\n")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    try:
        from pvlib.iotools import read_epw, read_tmy3
    except ImportError:
        print("pvlib_weather.py: needs the PyPI package 'pvlib' (pip install pvlib)",
              file=sys.stderr)
        return SKIP_EXIT_CODE
    driver, data_dir = sys.argv[1], sys.argv[2]
    paths = [os.path.join(data_dir, f) for f in FILES]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        epw = os.path.join(tmp, "greensboro_from_tmy3.epw")
        gso_data, gso_meta = read_tmy3(paths[0], map_variables=True)
        write_epw(epw, gso_meta, gso_data)
        kelvin = kelvin_years(driver, paths + [epw])
        for path in paths:
            data, meta = read_tmy3(path, map_variables=True)
            label = os.path.basename(path)
            k = kelvin[path]
            want = [str(meta["USAF"]), meta["Name"].strip('"'), meta["State"], "",
                    meta["latitude"], meta["longitude"], meta["altitude"], meta["TZ"]]
            if k["station"] != want:
                print(f"{label}: station Kelvin {k['station']} pvlib {want}")
                failures += 1
            failures += compare(label, k, data, ("pressure", lambda x: x / 100.0))
            if any(k["filled"].values()):
                print(f"{label}: Kelvin filled {k['filled']} (the file has no missing data)")
                failures += 1
            dry = [row[6] - 273.15 for row in k["hours"]]
            print(f"{label}: {meta['Name'].strip(chr(34))}: dry bulb mean {sum(dry) / len(dry):.4f}"
                  f" degC, max {max(dry):.1f}, min {min(dry):.1f}")
        # The EPW: pvlib returns the markers as read; Kelvin interpolates.
        data, meta = read_epw(epw)
        k = kelvin[epw]
        missing = {}
        db = gso_data["temp_air"].to_numpy(dtype=float)
        a, b = MISSING_DRY_BULB_HOURS[0] - 1, MISSING_DRY_BULB_HOURS[-1] + 1
        for i in MISSING_DRY_BULB_HOURS:
            missing[(i, "dry bulb")] = db[a] + (db[b] - db[a]) * (i - a) / (b - a)
        pa = gso_data["pressure"].to_numpy(dtype=float) * 100
        for i in MISSING_PRESSURE_HOURS:
            missing[(i, "pressure")] = 0.5 * (pa[i - 1] + pa[i + 1])
        failures += compare("EPW", k, data, ("atmospheric_pressure", lambda x: x), missing)
        want_filled = {"dry bulb": len(MISSING_DRY_BULB_HOURS),
                       "pressure": len(MISSING_PRESSURE_HOURS)}
        for name, n in k["filled"].items():
            if n != want_filled.get(name, 0):
                print(f"EPW: Kelvin filled {n} hours of {name}, expected "
                      f"{want_filled.get(name, 0)}")
                failures += 1
        print(f"EPW: Kelvin filled {k['filled']}")
        if [meta["city"], meta["latitude"], meta["longitude"]] != [k["station"][1],
                                                                    k["station"][4],
                                                                    k["station"][5]]:
            print(f"EPW: station Kelvin {k['station']} pvlib {meta}")
            failures += 1
    print("PASS" if failures == 0 else f"FAIL: {failures} differences")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#pragma once
/// VTK XML output for ParaView: rectilinear grids with cell data (.vtr) and time collections
/// (.pvd). Files are written atomically, so ParaView never opens a half-written file.
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "meshes/grid.hpp"

namespace kelvin {

/// One cell-centred field to write. values are host data in SI units, i fastest, with the
/// components of a cell interleaved (values.size() == cells * components). Owned by the caller;
/// the writer only reads it.
struct CellField {
  std::string name;
  std::vector<double> values;
  int components = 1;
};

/// A cell-centred field write_vtr reads in place: the caller's values (laid out as a
/// CellField's) must outlive the call. Built from a name and values, or from a CellField.
struct CellFieldRef {
  std::string name;
  const std::vector<double>* values;
  int components = 1;
  CellFieldRef(std::string n, const std::vector<double>& v, int c = 1)
      : name(std::move(n)), values(&v), components(c) {}
  CellFieldRef(const CellField& f) : name(f.name), values(&f.values), components(f.components) {}
};

/// Writes grid and fields to path as a VTK XML rectilinear grid (.vtr: appended raw binary,
/// LZ4-compressed, 64-bit headers). Coordinates are the grid's face coordinates in metres;
/// each field becomes a Float64 cell array named as given, plus an Int32 cell array
/// "material_id" when include_material_id is set. VTK streams the file into a temporary file
/// beside path, which is synced and renamed over path (on a refused write, the file is built
/// in memory and written with write_file_atomic for the exact error). Throws std::runtime_error naming the
/// path when a field's size does not match the grid or names repeat, and OutputError
/// (solver/io/output_error.hpp) when the disk refuses the file; an existing file at path is
/// then left untouched and no temporary file remains. VTK prints nothing. The fields' values
/// and the material ids are compressed from where they lie, not copied.
void write_vtr(const std::string& path, const Grid& grid, const std::vector<CellFieldRef>& fields,
               bool include_material_id = true);

/// A polygonal dataset: points [m], line cells (polylines through point indices) and polygon
/// cells; cell_fields hold one tuple per cell, the lines' first, then the polygons'.
struct PolyLines {
  std::vector<std::array<double, 3>> points;
  std::vector<std::vector<int>> lines, polygons;
  std::vector<CellField> cell_fields;
};

/// Writes d to path as VTK XML polydata (.vtp; appended binary, LZ4), atomically. Throws
/// std::runtime_error naming the path for a field of the wrong size or a point index out of
/// range, OutputError when the disk refuses the file.
void write_vtp(const std::string& path, const PolyLines& d);

/// Writes a ParaView multiblock (.vtm) grouping datasets by name and path relative to the .vtm.
void write_vtm(const std::string& path,
               const std::vector<std::pair<std::string, std::string>>& name_and_relative_file);

/// Writes a ParaView collection (.pvd) listing one dataset per entry: a time (s) and a file
/// path relative to the .pvd's directory. Written atomically; throws std::runtime_error naming
/// the path on a non-finite time, OutputError on a failed write.
void write_pvd(const std::string& path,
               const std::vector<std::pair<double, std::string>>& time_and_relative_file);

}  // namespace kelvin

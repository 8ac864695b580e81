#include "solver/io/vtk.hpp"

#include <fmt/format.h>
#include <vtkCallbackCommand.h>
#include <vtkCellData.h>
#include <vtkCommand.h>
#include <vtkDataCompressor.h>
#include <vtkDoubleArray.h>
#include <vtkErrorCode.h>
#include <vtkExecutive.h>
#include <vtkNew.h>
#include <vtkCellArray.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkRectilinearGrid.h>
#include <vtkTypeInt32Array.h>
#include <vtkXMLPolyDataWriter.h>
#include <vtkXMLRectilinearGridWriter.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <ostream>
#include <set>
#include <stdexcept>

#include "solver/io/atomic_file.hpp"
#include "solver/io/output_error.hpp"
#include "solver/io/quiet_file_buf.hpp"

namespace kelvin {
namespace {

constexpr const char* kMaterialArrayName = "material_id";

/// Collects VTK error and warning messages instead of letting VTK print them: library code
/// reports through exceptions only.
void collect_vtk_message(vtkObject*, unsigned long, void* client_data, void* call_data) {
  auto* messages = static_cast<std::string*>(client_data);
  std::string text = call_data ? static_cast<const char*>(call_data) : "unknown VTK error";
  // Keep the message itself: drop "ERROR: In file, line N vtkClass (0x...): ".
  if (const auto object = text.find(" (0x"); object != std::string::npos) {
    if (const auto end = text.find("): ", object); end != std::string::npos) {
      text.erase(0, end + 3);
    }
  }
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!messages->empty()) *messages += "; ";
  *messages += text;
}

/// Text for a writer error code. vtkErrorCode::GetStringFromErrorCode lives in CommonMisc,
/// which the build does not link, so the few codes the XML writer sets are spelled out here.
std::string describe_error_code(unsigned long code) {
  if (code < vtkErrorCode::FirstVTKErrorCode) return std::strerror(static_cast<int>(code));
  switch (code) {
    case vtkErrorCode::OutOfDiskSpaceError:
      return "out of disk space";
    case vtkErrorCode::CannotOpenFileError:
      return "cannot open file";
    case vtkErrorCode::NoFileNameError:
      return "no file name";
    default:
      return "VTK error code " + std::to_string(code);
  }
}

/// The face coordinates of one axis, named after it: unnamed, VTK would name the array after
/// its heap address ("Array 0x5651..."), and identical runs would write different bytes.
vtkNew<vtkDoubleArray> coordinate_array(const std::vector<double>& faces, const char* name) {
  vtkNew<vtkDoubleArray> array;
  array->SetName(name);
  array->SetNumberOfTuples(static_cast<vtkIdType>(faces.size()));
  std::copy(faces.begin(), faces.end(), array->GetPointer(0));
  return array;
}

void check_fields(const std::string& path, const Grid& grid, const std::vector<CellFieldRef>& fields,
                  bool include_material_id) {
  for (int d = 0; d < 3; ++d) {
    if (grid.n(d) < 1) {
      throw std::runtime_error(
          fmt::format("cannot write '{}': grid has no cells along axis {}", path, "xyz"[d]));
    }
  }
  const auto cells = static_cast<std::size_t>(grid.cell_count());
  std::set<std::string> names;
  if (include_material_id) {
    if (grid.materials().size() != cells) {
      throw std::runtime_error(
          fmt::format("cannot write '{}': grid has {} material ids for {} cells", path,
                      grid.materials().size(), cells));
    }
    names.insert(kMaterialArrayName);
  }
  for (const CellFieldRef& field : fields) {
    if (field.name.empty()) {
      throw std::runtime_error(fmt::format("cannot write '{}': a cell field has no name", path));
    }
    if (!names.insert(field.name).second) {
      throw std::runtime_error(
          fmt::format("cannot write '{}': cell field name '{}' is used twice", path, field.name));
    }
    if (field.components < 1) {
      throw std::runtime_error(fmt::format("cannot write '{}': field '{}' has {} components", path,
                                           field.name, field.components));
    }
    const std::size_t want = cells * static_cast<std::size_t>(field.components);
    if (field.values->size() != want) {
      throw std::runtime_error(fmt::format(
          "cannot write '{}': field '{}' has {} values, expected {} ({} cells x {} components)",
          path, field.name, field.values->size(), want, cells, field.components));
    }
  }
}

/// Escapes the characters that would end or break an XML attribute value.
std::string xml_attribute(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// Sets writer up for Kelvin's files (appended raw binary, LZ4, 64-bit headers), with its
/// messages and its executive's collected rather than printed, and writes data; returns
/// whether VTK reported success, with its messages in `messages`.
bool run_writer(vtkXMLWriter* writer, vtkDataObject* data, std::string& messages) {
  vtkNew<vtkCallbackCommand> collector;
  collector->SetCallback(collect_vtk_message);
  collector->SetClientData(&messages);
  // The executive only repeats "algorithm returned failure" with a dump of the request: it is
  // silenced, never shown.
  std::string pipeline_messages;
  vtkNew<vtkCallbackCommand> pipeline_collector;
  pipeline_collector->SetCallback(collect_vtk_message);
  pipeline_collector->SetClientData(&pipeline_messages);

  writer->SetInputData(data);
  writer->SetDataModeToAppended();
  writer->EncodeAppendedDataOff();  // raw binary: base64 would add a third to the size
  // LZ4: a third of zlib's cost to write at a similar ratio on smooth fields; ParaView reads it.
  writer->SetCompressorTypeToLZ4();
  writer->SetHeaderTypeToUInt64();  // 32-bit headers cap arrays at 4 GiB
  // The compressor reports through its own object, so it needs the collector too (attached
  // after SetCompressorType, which replaces the compressor).
  for (vtkObject* source : {static_cast<vtkObject*>(writer),
                            static_cast<vtkObject*>(writer->GetCompressor())}) {
    if (!source) continue;
    source->AddObserver(vtkCommand::ErrorEvent, collector);
    source->AddObserver(vtkCommand::WarningEvent, collector);
  }
  writer->GetExecutive()->AddObserver(vtkCommand::ErrorEvent, pipeline_collector);
  writer->GetExecutive()->AddObserver(vtkCommand::WarningEvent, pipeline_collector);
  return writer->Write() == 1 && writer->GetErrorCode() == 0;
}

/// The XML file writer makes of data, built in memory by VTK. Throws std::runtime_error naming
/// path with what VTK reported.
std::string xml_text(const std::string& path, vtkXMLWriter* writer, vtkDataObject* data) {
  std::string messages;
  writer->WriteToOutputStringOn();
  if (!run_writer(writer, data, messages)) {
    std::string reason = messages;
    if (reason.empty() && writer->GetErrorCode() != 0) {
      reason = describe_error_code(writer->GetErrorCode());
    }
    if (reason.empty()) reason = "VTK writer failed";
    throw std::runtime_error(fmt::format("cannot write '{}': {}", path, reason));
  }
  return writer->GetOutputString();
}

/// A VTK XML writer of type W that writes to a stream the caller owns: vtkXMLWriter rewinds
/// and uses a stream set in its (protected) Stream instead of opening a file or a string.
template <class W>
class StreamWriter : public W {
 public:
  static StreamWriter* New() {
    auto* writer = new StreamWriter;
    writer->InitializeObjectBase();
    return writer;
  }
  void SetOutputStream(std::ostream* os) { this->Stream = os; }
};

/// Writes data with a writer of type W to path, atomically: VTK streams the file straight into
/// the temporary file that commit_temporary then syncs and renames, with no copy of it in
/// memory (for a 1 M-cell field, 8k page faults and two copies of 8 MB fewer). Where that
/// fails (a full disk, a refused folder, a VTK error), the file is built in memory and written
/// by write_file_atomic instead, whose OutputError names the bytes needed and free; no
/// temporary file remains either way.
template <class W>
void write_xml_file(const std::string& path, vtkDataObject* data) {
  const std::string temporary = temporary_path_for(path);
  bool written = false;
  {
    QuietFileBuf file(temporary);  // VTK never sees a failed stream (it leaks on one)
    std::ostream os(&file);
    if (file.error() == 0) {
      vtkNew<StreamWriter<W>> writer;
      writer->SetOutputStream(&os);
      std::string messages;
      const bool ok = run_writer(writer, data, messages);
      written = file.close() == 0 && ok;
    }
  }
  if (written) {
    try {
      commit_temporary(temporary, path);
      return;
    } catch (const OutputError& e) {
      if (!e.is_out_of_space()) throw;
    }
  }
  remove_temporary(temporary);
  vtkNew<W> writer;
  write_file_atomic(path, xml_text(path, writer, data));
}

}  // namespace

void write_vtr(const std::string& path, const Grid& grid, const std::vector<CellFieldRef>& fields,
               bool include_material_id) {
  check_fields(path, grid, fields, include_material_id);

  vtkNew<vtkRectilinearGrid> data;
  data->SetDimensions(grid.n(0) + 1, grid.n(1) + 1, grid.n(2) + 1);
  const auto x = coordinate_array(grid.faces(0), "x");
  const auto y = coordinate_array(grid.faces(1), "y");
  const auto z = coordinate_array(grid.faces(2), "z");
  data->SetXCoordinates(x);
  data->SetYCoordinates(y);
  data->SetZCoordinates(z);

  // The arrays borrow the caller's memory (save = 1: VTK never frees it); the writer only
  // reads them, and they are gone before this function returns.
  for (const CellFieldRef& field : fields) {
    vtkNew<vtkDoubleArray> array;
    array->SetName(field.name.c_str());
    array->SetNumberOfComponents(field.components);
    array->SetArray(const_cast<double*>(field.values->data()),
                    static_cast<vtkIdType>(field.values->size()), 1);
    data->GetCellData()->AddArray(array);
  }
  if (include_material_id) {
    vtkNew<vtkTypeInt32Array> array;
    array->SetName(kMaterialArrayName);
    const std::vector<std::int32_t>& ids = grid.materials();
    array->SetArray(const_cast<std::int32_t*>(ids.data()), static_cast<vtkIdType>(ids.size()), 1);
    data->GetCellData()->AddArray(array);
  }

  // streamed into a temporary file, or on a full disk one OutputError with the exact size:
  // never a half-written file or a VTK error dump
  write_xml_file<vtkXMLRectilinearGridWriter>(path, data);
}

void write_vtp(const std::string& path, const PolyLines& d) {
  const std::size_t cells = d.lines.size() + d.polygons.size();
  for (const CellField& f : d.cell_fields)
    if (f.values.size() != cells * static_cast<std::size_t>(f.components))
      throw std::runtime_error(fmt::format("cannot write '{}': field '{}' has {} values for {} cells",
                                           path, f.name, f.values.size(), cells));
  vtkNew<vtkPoints> points;
  points->SetDataTypeToDouble();
  for (const auto& p : d.points) points->InsertNextPoint(p[0], p[1], p[2]);
  const auto cell_array = [&](const std::vector<std::vector<int>>& cs) {
    vtkNew<vtkCellArray> a;
    for (const auto& c : cs) {
      a->InsertNextCell(static_cast<vtkIdType>(c.size()));
      for (int id : c) {
        if (id < 0 || static_cast<std::size_t>(id) >= d.points.size())
          throw std::runtime_error(fmt::format("cannot write '{}': point {} out of range", path, id));
        a->InsertCellPoint(id);
      }
    }
    return a;
  };
  vtkNew<vtkPolyData> data;
  data->SetPoints(points);
  const auto lines = cell_array(d.lines);
  const auto polys = cell_array(d.polygons);
  data->SetLines(lines);
  data->SetPolys(polys);
  for (const CellField& f : d.cell_fields) {
    vtkNew<vtkDoubleArray> array;
    array->SetName(f.name.c_str());
    array->SetNumberOfComponents(f.components);
    array->SetNumberOfTuples(static_cast<vtkIdType>(cells));
    std::copy(f.values.begin(), f.values.end(), array->GetPointer(0));
    data->GetCellData()->AddArray(array);
  }
  write_xml_file<vtkXMLPolyDataWriter>(path, data);
}

void write_vtm(const std::string& path,
               const std::vector<std::pair<std::string, std::string>>& name_and_relative_file) {
  std::string xml = "<?xml version=\"1.0\"?>\n<VTKFile type=\"vtkMultiBlockDataSet\" version=\"1.0\">\n"
                    "  <vtkMultiBlockDataSet>\n";
  for (std::size_t i = 0; i < name_and_relative_file.size(); ++i)
    xml += fmt::format("    <DataSet index=\"{}\" name=\"{}\" file=\"{}\"/>\n", i,
                       xml_attribute(name_and_relative_file[i].first),
                       xml_attribute(name_and_relative_file[i].second));
  xml += "  </vtkMultiBlockDataSet>\n</VTKFile>\n";
  write_file_atomic(path, xml);
}

void write_pvd(const std::string& path,
               const std::vector<std::pair<double, std::string>>& time_and_relative_file) {
  std::string xml =
      "<?xml version=\"1.0\"?>\n"
      "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
      "  <Collection>\n";
  for (const auto& [time_s, file] : time_and_relative_file) {
    if (!std::isfinite(time_s)) {
      throw std::runtime_error(
          fmt::format("cannot write '{}': time of '{}' is not finite ({})", path, file, time_s));
    }
    // Shortest round-trip formatting: ParaView sorts and labels by these exact times.
    xml += fmt::format("    <DataSet timestep=\"{}\" group=\"\" part=\"0\" file=\"{}\"/>\n", time_s,
                       xml_attribute(file));
  }
  xml += "  </Collection>\n</VTKFile>\n";
  write_file_atomic(path, xml);
}

}  // namespace kelvin

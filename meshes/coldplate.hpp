#pragma once
/// Parametric direct-to-chip cold plate: a few SI parameters become an ordered list of boxes,
/// each with a role (the caller maps roles to materials), port rectangles on the top face and a
/// report counted on the built grid. Knows nothing of physics or case files.
///
/// z is up: the copper base sits on a package whose top surface is at base_z_m. Above the base
/// lies the cavity (fins and plenums, fin_height_m tall), then the cover. Straight fins run
/// along x (channels carry flow along x) and are arrayed along y. The outermost fin on each side
/// coincides with the cavity's y edge, so `channels` counts the gaps between fins.
#include <array>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "meshes/grid.hpp"

namespace kelvin {

/// Cold plate parameters; every length in metres.
struct ColdPlateSpec {
  /// EndToEnd: inlet over the x-min plenum, outlet over the x-max plenum. CenterInlet: an inlet
  /// slot over the middle of the fins opens into every channel from above; the flow splits to
  /// outlets over the plenums at both ends.
  enum class Flow { EndToEnd, CenterInlet };
  /// Straight: continuous fins along x. Pins: an inline array of square pin columns.
  enum class Fins { Straight, Pins };

  std::array<double, 2> footprint_min_m{0, 0};  ///< outer xy extent of the plate
  std::array<double, 2> footprint_max_m{0, 0};
  double base_z_m = 0;             ///< bottom of the copper base (top of the package)
  double base_thickness_m = 2e-3;  ///< copper under the fins
  Fins fins = Fins::Straight;
  double fin_thickness_m = 0.2e-3;  ///< Straight: fin thickness along y
  double fin_pitch_m = 0.5e-3;      ///< Straight: fin centre-to-centre spacing along y
  double fin_height_m = 3e-3;       ///< fins and pins; also the cavity height
  /// Along x. Straight: the fins' length. Pins: room for the pin array, which uses the most
  /// columns that fit and is centred; the leftover goes into the x end walls.
  double fin_length_m = 40e-3;
  /// Room for the fins along y; 0 = the widest region centred on center_m that leaves
  /// wall_thickness_m on both sides. Straight: channels = floor((width - fin_thickness) /
  /// fin_pitch) (pins: (width - pin_size) / pin_pitch_y); the array is centred and the
  /// leftover goes into the side walls.
  double fin_region_width_m = 0;
  /// xy centre of the fin region; NaN (per component) = the footprint's centre.
  std::array<double, 2> center_m{std::numeric_limits<double>::quiet_NaN(),
                                 std::numeric_limits<double>::quiet_NaN()};
  double pin_size_m = 0.5e-3;      ///< Pins: side of the square pins
  double pin_pitch_x_m = 1e-3;     ///< Pins: pin column spacing along x
  double pin_pitch_y_m = 1e-3;     ///< Pins: pin row spacing along y
  double wall_thickness_m = 2e-3;  ///< least metal between the cavity and every plate edge
  double plenum_length_m = 5e-3;   ///< fluid plenum along x at each end of the fins
  /// Ports are rectangles through the cover: length along x (must fit in plenum_length_m, and
  /// for the CenterInlet slot in the fin region), centred over their plenum / the fins.
  double port_length_m = 4e-3;
  double port_width_m = 0;  ///< along y, centred on the cavity; 0 = the cavity width
  double cover_thickness_m = 2e-3;
  Flow flow = Flow::EndToEnd;
  /// Least cells across every channel gap (y) and, for pins, every gap between pins in x and y.
  int cells_across_channel = 3;
  int cells_across_fin = 1;               ///< least cells across each fin (pins: each pin side)
  int cells_over_fin_height = 8;          ///< cells along z over the fin height
  double max_cell_along_flow_m = 0.5e-3;  ///< largest cell along x in the fin region and plenums
};

/// What a box is made of; the caller maps roles to material ids.
enum class ColdPlateRole { Metal, Coolant };

/// One box of the layout. cell_size_m works like PaintBox's (0 = no request on that axis).
struct ColdPlateBox {
  std::string name;
  ColdPlateRole role = ColdPlateRole::Metal;
  std::array<double, 3> min_m{0, 0, 0};
  std::array<double, 3> max_m{0, 0, 0};
  std::array<double, 3> cell_size_m{0, 0, 0};
};

/// A port: an x/y rectangle on the zmax face (the cover's top, z = top_z_m).
struct ColdPlatePort {
  bool inlet = false;
  std::string name;  ///< "inlet", "outlet" (EndToEnd) or "outlet_xmin" / "outlet_xmax"
  std::array<double, 2> min_m{0, 0};
  std::array<double, 2> max_m{0, 0};
};

/// The generated plate. Box names: "plate", "plenum_xmin", "plenum_xmax", "channel_<j>",
/// "fin_<j>" (straight) or "gap_row_<j>", "gap_col_<i>", "pin_<i>_<j>" (pins), "port_<name>".
struct ColdPlateLayout {
  /// Paint in order; later boxes override earlier ones. The first is the whole plate (Metal),
  /// whose extent is the natural grid domain.
  std::vector<ColdPlateBox> boxes;
  std::vector<ColdPlatePort> ports;  ///< one inlet; one outlet (EndToEnd) or two (CenterInlet)
  double top_z_m = 0;                ///< top of the cover = the domain's zmax
  /// z extent of the fins and the cavity: [top of the base, bottom of the cover].
  std::array<double, 2> fin_z_m{0, 0};
  int channels = 0;  ///< straight: channels between fins; pins: gaps between pin rows
  /// straight: fin_pitch - fin_thickness; pins: pin_pitch_y - pin_size.
  double channel_width_m = 0;
  /// [y_lo, y_hi] of every channel (pins: every gap between pin rows), for per-channel accounting.
  std::vector<std::array<double, 2>> channel_y_m;
  /// [y_lo, y_hi] of every fin (pins: every pin row); the first and last touch the cavity edges.
  std::vector<std::array<double, 2>> fin_y_m;
  /// Pins only: [x_lo, x_hi] of every pin column (the x gaps lie between them); empty for fins.
  std::vector<std::array<double, 2>> pin_x_m;
  std::array<double, 2> fin_x_m{0, 0};  ///< x extent of the fin region (pins: of the pin array)
};

/// Builds the layout. Throws std::invalid_argument naming the offending parameter (the spec's
/// field name without _m, first in the message) for non-positive sizes, fin_pitch <= fin_thickness,
/// pins wider than their pitch, a cavity that does not fit the footprint with its walls, ports
/// longer or wider than what they open into, and zero channels.
ColdPlateLayout make_cold_plate(const ColdPlateSpec& spec);

/// The layout's boxes as PaintBoxes for build_grid, Metal -> metal_material and
/// Coolant -> coolant_material.
std::vector<PaintBox> cold_plate_paint_boxes(const ColdPlateLayout& layout, int metal_material,
                                             int coolant_material);

/// Mesh figures of a cold plate counted on a built grid.
struct ColdPlateReport {
  int channels = 0;
  double channel_width_m = 0;
  /// Least coolant cells across any channel (y, at mid fin height in the middle of the fins;
  /// pins: also across every x gap between pin columns). 0 if a channel is not coolant.
  int min_cells_across_channel = 0;
  /// Least non-coolant cells across any fin (pins: any pin, along x and y), sampled likewise.
  int min_cells_across_fin = 0;
  long long fluid_cells = 0;  ///< cells where is_coolant(material) holds
  long long solid_cells = 0;  ///< all other cells
};

/// Counts the report on grid, a grid built over the layout; is_coolant(material id) says which
/// cells are coolant.
ColdPlateReport report_cold_plate(const ColdPlateLayout& layout, const Grid& grid,
                                  const std::function<bool(int)>& is_coolant);

/// One human line, e.g. "cold plate: 101 channels of 0.30 mm, >= 3 cells across each, >= 1
/// across each fin; 812345 coolant + 1234567 solid cells".
std::string format_report(const ColdPlateReport& report);

}  // namespace kelvin

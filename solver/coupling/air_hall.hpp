#pragma once
/// A traditional air-cooled hall (facility.hall: air_cooled): racks of air-cooled GPU servers
/// (air_server.hpp) in a hall of chilled-water CRAHs, the chilled water from the chiller plant.
/// One rack and its share of the CRAHs (crahs / racks of each: identical units at one operating
/// point scale with their count) answer the chilled-water supply T_w like a liquid rack answers
/// its facility water (RackResponse), so the year runs on the same table and chiller plant.
///
/// Air paths, per rack, at the CRAHs' supply air T_s (after their fans):
///   servers draw m_s = N rho s V_r; the CRAHs deliver m_c, of which a share b bypasses the
///   servers straight to the return; the servers' intake is m_c (1 - b) of supply air and the
///   rest of their own exhaust (recirculation r): m_c (1 - b) = (1 - r) m_s, or, when the CRAHs
///   at full speed cannot deliver that, m_c = m_c,max and r = 1 - m_c,max (1 - b) / m_s.
///   Intake:  m_s T_in = (1 - r) m_s T_s + r m_s T_out,  T_out = T_in + Q_s / (m_s c_p),
///   so T_in = T_s + r / (1 - r) Q_s / (m_s c_p), solved with the servers' answer to T_in
///   (fixed-point iteration to 1e-11 K, bisection if it does not settle: the servers' heat and
///   flow both follow T_in).
///   Return:  m_c T_r = (1 - r) m_s T_out + b m_c T_s.  The CRAH fans' heat P_c enters after
///   the coil: the coil leaves the air at T_s - P_c / (m_c c_p).
///   Coil duty (air side): Q = m_c c_p (T_r - T_s) + P_c = Q_s + P_c, the hall's books.
/// CRAH fans: P_c,r (m_c / m_c,r)^3 (affinity on a fixed air path). The chilled-water valve
/// opens until the coil holds T_s (crah_coil.hpp), up to the rated water flow; when even that
/// is short, T_s floats to where the coil at full water flow just holds it (bisection to
/// 1e-8 K, up to 30 K above the setpoint).
#include "solver/coupling/air_server.hpp"
#include "solver/coupling/facility_plant.hpp"
#include "solver/facility/crah_coil.hpp"

namespace kelvin {

/// One rack of servers and its share of the hall's CRAHs.
struct AirHall {
  AirServer server;
  int servers = 1;               ///< per rack
  double supply_air_K = 297.15;  ///< the CRAHs' supply-air setpoint
  double recirculation = 0.05, bypass = 0.1;
  CrahCoil coil;                 ///< the rack's share of the CRAHs' coils
  double crah_air_kg_s = 0;      ///< the share's air at full fan speed
  double crah_fan_power_W = 0;   ///< the share's fans at full speed
  double crah_water_kg_s = 0;    ///< the share's chilled water with the valves open
};

/// The hall of c's facility section (hall: air_cooled) and gpus, per rack.
AirHall air_hall(const Case& c, const GpuModel& m);

/// One rack's steady state at chilled-water supply T_w.
struct AirHallState {
  AirServerState server;      ///< one server (all alike)
  double supply_air_K = 0, server_inlet_K = 0, return_air_K = 0, coil_leaving_K = 0;
  double recirculation = 0;   ///< as it settled (above the case's when the CRAHs run short of air)
  double crah_air_kg_s = 0, crah_speed = 0, crah_fans_W = 0;
  double water_kg_s = 0, coil_W = 0;
  bool supply_above_setpoint = false;  ///< the coil at full water flow could not hold T_s
};

AirHallState solve_air_hall(const AirHall& hall, const GpuModel& m, double activity,
                            double chilled_water_K);

/// The rack's answer to chilled water at chilled_water_K as a RackResponse: IT = servers
/// (GPUs, the rest, their fans), duty = the coil's, flow = the chilled water's, CRAH fans.
RackResponse air_hall_response(const AirHall& hall, const GpuModel& m, const WorkloadPhase& phase,
                               double chilled_water_K);

}  // namespace kelvin

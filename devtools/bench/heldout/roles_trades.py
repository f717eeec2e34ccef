"""English role texts: skilled trades, maintenance, engineering and construction."""

from __future__ import annotations

from functools import partial

from devtools.bench.heldout.model import role

_en = partial(role, "en")

ROLES = (
    _en(
        "hvac_tech",
        ("hvac",),
        titles={
            "junior": ("HVAC Apprentice", "HVAC Installer Helper"),
            "mid": (
                "HVAC Service Technician",
                "Residential HVAC Technician",
                "Commercial HVAC Technician",
                "HVAC-R Service Technician",
            ),
            "senior": ("Senior HVAC Service Technician",),
            "lead": ("Lead HVAC Technician",),
        },
        summary=(
            "When the air conditioning quits in July, our customers call us. We keep homes and "
            "businesses cool in summer and warm in winter.",
            "Our service technicians diagnose and repair heating, cooling and refrigeration "
            "equipment for homes, restaurants and offices.",
        ),
        duties=(
            "Diagnose and repair central air conditioners, furnaces and {heat pumps}",
            "Perform seasonal maintenance on {rooftop units} and split systems",
            "Recover, recharge and leak-test refrigerant circuits",
            "Replace compressors, capacitors, motors and thermostats",
            "Explain repair options clearly to homeowners and write up service tickets",
            "Install new equipment, line sets and ductwork with the install crew",
        ),
        needs=(
            "{EPA 608 certification} (Universal preferred)",
            "Valid driver's license and a clean driving record",
            "Your own basic hand tools",
        ),
        skills=(
            "EPA 608 certification",
            "heat pumps",
            "refrigerant recovery",
            "brazing",
            "NATE certification",
            "rooftop units",
            "VRF systems",
        ),
        pay=("hour", 31.0),
        slots="mid phoenix o code=REQ-2023-1142; mid phoenix o; junior austin o; mid houston o;"
        " senior dallas o; lead atlanta o; mid miami o; mid sandiego o;"
        " mid kc o company=brannigan; mid nashville o tmp",
    ),
    _en(
        "plumber",
        ("plumbing",),
        titles={
            "junior": ("Plumbing Apprentice",),
            "mid": ("Journeyman Plumber", "Service Plumber", "Residential Service Plumber"),
            "senior": ("Master Plumber - Commercial",),
        },
        summary=(
            "Our plumbers fix leaks, clear drains and install water heaters for homeowners "
            "who need it done right the first time.",
            "Join a commercial plumbing crew working on new construction and remodels.",
        ),
        duties=(
            "Repair and replace water lines, drains, fixtures and {water heaters}",
            "Clear clogged drains and sewer lines with cameras and jetters",
            "Install {PEX} and copper supply lines",
            "Test and certify {backflow} preventers",
            "Read blueprints and follow local plumbing codes",
        ),
        needs=("Journeyman plumbing license", "Valid driver's license"),
        skills=("backflow testing", "PEX", "water heaters", "drain cleaning", "gas piping"),
        pay=("hour", 33.0),
        slots="mid phoenix o code=REQ-2023-1124; junior houston o; mid denver o; senior chicago o;"
        " mid kc o company=brannigan; mid atlanta o",
    ),
    _en(
        "electrician",
        ("electrical",),
        titles={
            "junior": ("Electrician Apprentice", "Apprentice Electrician - Residential"),
            "mid": ("Journeyman Electrician", "Industrial Electrician", "Commercial Electrician"),
            "senior": ("Master Electrician",),
            "lead": ("Electrical Foreman",),
        },
        summary=(
            "Our electricians wire new homes, service panels and troubleshoot problems for "
            "residential and light commercial customers.",
            "Our commercial and industrial crews build and maintain power, lighting and "
            "controls for factories, warehouses and offices.",
        ),
        duties=(
            "Install and repair wiring, outlets, lighting and breaker panels",
            "Troubleshoot motors, variable frequency drives and control circuits",
            "Diagnose faults on {PLC} controlled equipment",
            "Read blueprints and follow the National Electrical Code",
            "Pull wire and bend conduit on commercial jobs",
        ),
        needs=("State journeyman electrician license", "OSHA 10 card"),
        skills=("NEC", "conduit bending", "PLC troubleshooting", "motor controls", "OSHA 10"),
        pay=("hour", 34.0),
        slots="mid houston o; mid houston o; junior austin o; senior denver o; lead chicago o;"
        " mid pittsburgh o; mid phoenix o",
    ),
    _en(
        "auto_tech",
        ("auto",),
        titles={
            "junior": ("Lube Technician", "Entry Level Automotive Technician"),
            "mid": ("Automotive Technician", "Diesel Mechanic"),
            "senior": ("Master Automotive Technician (ASE)",),
        },
        summary=(
            "Keep our customers' cars safe on the road in a clean, well-equipped service "
            "department.",
            "Repair and maintain heavy trucks and buses for regional fleets.",
        ),
        duties=(
            "Diagnose engine, electrical and drivability problems with scan tools",
            "Perform brake, steering and suspension repairs",
            "Carry out oil changes, tire rotations and inspections",
            "Document repairs accurately on the repair order",
        ),
        needs=("ASE certifications preferred", "Own tools"),
        skills=("ASE certification", "OBD-II diagnostics", "brakes", "diesel engines"),
        pay=("hour", 30.0),
        slots="mid dallas o; senior charlotte o; junior columbus o; mid slc o; mid minneapolis o",
    ),
    _en(
        "maintenance_tech",
        ("industrial", "property", "hotel"),
        titles={
            "mid": (
                "Maintenance Technician",
                "Facilities Maintenance Technician",
                "Building Maintenance Technician",
            ),
            "lead": ("Maintenance Lead",),
        },
        summary=(
            "Keep our equipment and buildings running safely through preventive and corrective "
            "maintenance.",
            "Be the person who fixes things before they break, so the people who live and "
            "work here never have to think about it.",
        ),
        duties=(
            "Carry out {preventive maintenance} on equipment and buildings",
            "Troubleshoot mechanical, hydraulic and pneumatic systems",
            "Make minor electrical and plumbing repairs",
            "Respond to work orders and log them in the maintenance system",
            "Keep maintenance records and the parts inventory up to date",
        ),
        needs=("Two years of maintenance experience", "Basic hand and power tools"),
        skills=("preventive maintenance", "hydraulics", "PLC troubleshooting", "welding"),
        pay=("hour", 27.0),
        slots="mid cleveland o; mid atlanta o; lead kc o; mid nashville o; mid slc o",
    ),
    _en(
        "welder",
        ("industrial", "construction"),
        titles={"mid": ("Welder - MIG/TIG", "Structural Welder", "Pipe Welder")},
        summary=("Build heavy steel assemblies in a climate-controlled fabrication shop.",),
        duties=(
            "Weld carbon steel and stainless parts to drawing",
            "Read blueprints and weld symbols",
            "Set up and maintain welding equipment",
            "Inspect welds and grind and fit parts",
        ),
        needs=("AWS certification preferred", "Able to lift 50 pounds"),
        skills=("MIG welding", "TIG welding", "AWS certification", "blueprint reading"),
        pay=("hour", 26.0),
        slots="mid houston o; mid cleveland o; mid kc o",
    ),
    _en(
        "mechanical_engineer",
        ("industrial", "engineering"),
        titles={
            "junior": ("Mechanical Engineer I",),
            "mid": ("Mechanical Engineer", "Mechanical Design Engineer"),
            "senior": ("Senior Mechanical Engineer", "Senior Mechanical Design Engineer"),
        },
        summary=(
            "Design mechanical systems and parts from concept through production.",
            "Our mechanical engineers take products from first sketch to a part that can be "
            "built, tested and shipped.",
        ),
        duties=(
            "Model parts and assemblies in {SolidWorks} and produce drawings with {GD&T}",
            "Run hand calculations and {FEA} to check designs",
            "Produce drawings, bills of materials and engineering change orders",
            "Work with suppliers and manufacturing on prototypes",
            "Write test plans and analyze results",
        ),
        needs=("Bachelor's degree in mechanical engineering", "PE license a plus"),
        skills=("SolidWorks", "GD&T", "FEA", "AutoCAD", "tolerance analysis"),
        pay=("year", 95000.0),
        slots="mid cleveland o; senior chicago h; junior pittsburgh o;"
        " senior dallas h company=granite title=Senior_Mechanical_Engineer_-_HVAC_Systems;"
        " mid sandiego o product=HelioSync company=apexprecision",
    ),
    _en(
        "civil_engineer",
        ("civil",),
        titles={
            "junior": ("Civil Engineer EIT",),
            "mid": ("Civil Engineer", "Transportation Engineer"),
            "senior": ("Senior Structural Engineer",),
        },
        summary=(
            "Design roads, bridges, stormwater and utility systems for cities and developers.",
        ),
        duties=(
            "Prepare grading, drainage and utility plans in {AutoCAD Civil 3D}",
            "Design roadway alignments and intersections",
            "Run hydrology and {stormwater design} calculations",
            "Check structural members for bridges and retaining walls",
            "Coordinate permits with public agencies",
        ),
        needs=("Bachelor's in civil engineering", "EIT or PE license"),
        skills=("AutoCAD Civil 3D", "stormwater design", "PE license", "MicroStation"),
        pay=("year", 90000.0),
        slots="mid raleigh h; junior denver o; mid sanantonio o; senior portland h",
    ),
    _en(
        "electrical_engineer",
        ("utility", "engineering"),
        titles={
            "mid": (
                "Electrical Engineer",
                "Power Systems Engineer",
                "Electrical Design Engineer - Substations",
            ),
            "senior": ("Senior Electrical Engineer - Protection and Controls",),
        },
        summary=(
            "Engineer the power systems that keep the lights on for rural communities.",
            "Design power distribution for hospitals, data centers and campuses.",
        ),
        duties=(
            "Design substation layouts, protection and control schemes",
            "Run load-flow and short-circuit studies",
            "Model power systems and arc-flash hazards in {ETAP}",
            "Support testing and commissioning in the field",
        ),
        needs=("Bachelor's degree in electrical engineering", "EIT or PE preferred"),
        skills=("ETAP", "AutoCAD Electrical", "power systems", "relay protection", "NEC"),
        pay=("year", 105000.0),
        slots="mid kc o; mid houston h; senior boston h; mid minneapolis o",
    ),
    _en(
        "field_service_engineer",
        ("imaging",),
        titles={"mid": ("Field Service Engineer - Medical Imaging", "Field Service Engineer")},
        summary=("Keep MRI and CT scanners running for the hospitals in your territory.",),
        duties=(
            "Install, calibrate and repair imaging equipment at customer sites",
            "Perform planned maintenance and safety checks",
            "Troubleshoot electronics, mechanics and software",
            "Travel within a regional territory",
        ),
        needs=("Degree in electronics or biomedical technology", "Valid driver's license"),
        skills=("electronics troubleshooting", "medical imaging", "schematics"),
        pay=("year", 85000.0),
        slots="mid atlanta r; mid chicago r; mid phoenix o",
    ),
    _en(
        "construction_pm",
        ("construction",),
        titles={
            "junior": ("Assistant Project Manager - Construction", "Project Coordinator"),
            "mid": ("Construction Project Manager", "Project Manager - Commercial Construction"),
            "senior": ("Senior Project Manager - Healthcare Construction",),
        },
        summary=(
            "Run building projects from preconstruction to closeout for a general contractor.",
        ),
        duties=(
            "Manage budgets, schedules and subcontractors",
            "Run owner-architect-contractor meetings",
            "Process RFIs, submittals and change orders in {Procore}",
            "Track cost and forecast in {Primavera P6} schedules",
        ),
        needs=("Degree in construction management or engineering",),
        skills=("Procore", "Primavera P6", "cost control", "OSHA 30"),
        pay=("year", 110000.0),
        slots="mid austin o; senior dallas o; junior charlotte o; mid denver o",
    ),
)

"""Spanish role texts (postings from Spain and Latin America)."""

from __future__ import annotations

from functools import partial

from devtools.bench.heldout.model import role

_es = partial(role, "es")

ROLES = (
    _es(
        "icu_nurse",
        ("hospital",),
        titles={
            "mid": (
                "Enfermero/a de UCI",
                "Enfermera/o de Cuidados Intensivos",
                "Enfermero/a UCI Polivalente",
            ),
        },
        summary=(
            "Buscamos enfermeros/as para nuestra Unidad de Cuidados Intensivos de 16 camas, "
            "que atiende a pacientes críticos médicos y quirúrgicos.",
            "Únete al equipo de la UCI, donde cuidamos a pacientes en estado crítico con "
            "ventilación mecánica y soporte hemodinámico.",
        ),
        duties=(
            "Cuidados de enfermería a pacientes críticos con {ventilación mecánica}",
            "Manejo de drogas vasoactivas, sedación y bombas de perfusión",
            "Monitorización hemodinámica y control de vías centrales",
            "Actuación en situaciones de parada cardiorrespiratoria",
            "Registro de cuidados en la historia clínica electrónica",
        ),
        needs=(
            "Grado en Enfermería y colegiación vigente",
            "Formación en {soporte vital avanzado}",
            "Experiencia previa en UCI valorable",
        ),
        skills=("cuidados intensivos", "ventilación mecánica", "soporte vital avanzado"),
        pay=("year", 70000.0),
        slots="mid madrid o; mid valencia o; mid cdmx o",
    ),
    _es(
        "medsurg_nurse",
        ("hospital",),
        titles={
            "mid": (
                "Enfermero/a de planta de hospitalización",
                "Enfermero/a de Medicina Interna",
            ),
        },
        summary=(
            "Incorporamos enfermeros/as para nuestras plantas de hospitalización médica y "
            "quirúrgica.",
        ),
        duties=(
            "Valoración y cuidados a pacientes hospitalizados",
            "Administración de medicación y tratamientos intravenosos",
            "Curas y {cuidado de heridas}",
            "Educación sanitaria al alta",
        ),
        needs=("Grado en Enfermería y colegiación",),
        skills=("cuidado de heridas", "administración de medicación", "hospitalización"),
        pay=("year", 62000.0),
        slots="mid madrid o; mid valencia o tmp",
    ),
    _es(
        "backend",
        ("tech",),
        titles={
            "junior": ("Desarrollador/a Backend Junior",),
            "mid": (
                "Desarrollador/a Backend ({Node.js})",
                "Programador/a Backend {PHP}",
                "Desarrollador/a Backend {Python}",
            ),
            "senior": ("Ingeniero/a de Software Backend Senior ({Java})",),
        },
        summary=(
            "Desarrollarás los servicios y APIs que dan soporte a nuestra plataforma de "
            "facturación y pagos.",
            "Buscamos a alguien que diseñe y mantenga servicios del lado del servidor "
            "robustos y escalables.",
        ),
        duties=(
            "Diseñar y desarrollar {APIs REST} y microservicios",
            "Modelar datos en {PostgreSQL} y optimizar consultas",
            "Escribir pruebas automatizadas y revisar código",
            "Desplegar servicios en {AWS} con {Docker}",
        ),
        needs=("Experiencia demostrable en desarrollo backend", "Inglés técnico"),
        skills=("Node.js", "Java", "Python", "PHP", "PostgreSQL", "Docker", "AWS"),
        pay=("year", 95000.0),
        slots="mid madrid h; senior madrid r; mid barcelona h; mid cdmx h; junior bogota r;"
        " mid buenosaires r",
    ),
    _es(
        "frontend",
        ("tech",),
        titles={
            "junior": ("Maquetador/a Web Junior",),
            "mid": ("Desarrollador/a Frontend ({React})", "Desarrollador/a Frontend ({Angular})"),
        },
        summary=("Construirás interfaces web rápidas, accesibles y atractivas.",),
        duties=(
            "Desarrollar interfaces con {TypeScript}",
            "Maquetar diseños de Figma con {HTML} y {CSS}",
            "Colaborar con diseño y backend",
        ),
        needs=("Portafolio de proyectos web",),
        skills=("React", "Angular", "TypeScript", "HTML", "CSS"),
        pay=("year", 85000.0),
        slots="mid barcelona h; junior madrid o; mid guadalajara r",
    ),
    _es(
        "data_scientist",
        ("tech",),
        titles={
            "mid": ("Científico/a de Datos",),
            "senior": ("Científico/a de Datos Senior",),
        },
        summary=(
            "Usarás estadística y aprendizaje automático para predecir la demanda y entender a "
            "nuestros clientes.",
        ),
        duties=(
            "Construir modelos predictivos con {Python} y {scikit-learn}",
            "Diseñar y analizar experimentos {A/B}",
            "Comunicar resultados a negocio",
            "Consultar datos con {SQL}",
        ),
        needs=("Grado o máster en estadística, matemáticas o informática",),
        skills=("Python", "scikit-learn", "SQL", "estadística", "A/B"),
        pay=("year", 100000.0),
        slots="mid madrid h; senior cdmx r; mid buenosaires h",
    ),
    _es(
        "data_engineer",
        ("tech",),
        titles={"mid": ("Ingeniero/a de Datos", "Data Engineer ({Spark})")},
        summary=(
            "Construirás los procesos que llevan los datos de nuestras aplicaciones al data "
            "warehouse.",
        ),
        duties=(
            "Desarrollar pipelines batch y streaming con {Spark}",
            "Orquestar procesos con {Airflow}",
            "Modelar datos en {BigQuery}",
        ),
        needs=("Buen nivel de {SQL} y {Python}",),
        skills=("Spark", "Airflow", "BigQuery", "SQL", "Python"),
        pay=("year", 98000.0),
        slots="mid barcelona h; mid bogota r",
    ),
    _es(
        "hvac_tech",
        ("hvac",),
        titles={
            "mid": (
                "Técnico/a de climatización",
                "Técnico/a de aire acondicionado y refrigeración",
                "Frigorista",
            ),
        },
        summary=(
            "Realizarás la instalación y el mantenimiento de equipos de aire acondicionado y "
            "bombas de calor en viviendas y comercios.",
        ),
        duties=(
            "Montaje de equipos split, conductos y {aerotermia}",
            "Mantenimiento preventivo y correctivo de equipos de climatización",
            "Carga de gas refrigerante y detección de fugas",
            "Atención al cliente en servicio técnico",
        ),
        needs=("{Carné de instalador frigorista} o certificado de gases fluorados",),
        skills=("Carné de instalador frigorista", "aerotermia", "gases fluorados"),
        pay=("year", 45000.0),
        slots="mid valencia o; mid monterrey o; mid sevilla o",
    ),
    _es(
        "electrician",
        ("electrical",),
        titles={"mid": ("Electricista industrial", "Oficial de primera electricista")},
        summary=("Buscamos electricista para instalaciones industriales y del sector terciario.",),
        duties=(
            "Montaje y mantenimiento de cuadros eléctricos",
            "Cableado de instalaciones en baja tensión",
            "Diagnóstico de averías en automatismos y {PLC}",
        ),
        needs=("Formación profesional en electricidad",),
        skills=("baja tensión", "cuadros eléctricos", "PLC"),
        pay=("year", 46000.0),
        slots="mid barcelona o; mid monterrey o",
    ),
    _es(
        "payroll",
        ("office", "logistics"),
        titles={
            "junior": ("Auxiliar administrativo/a de nóminas",),
            "mid": (
                "Técnico/a de nóminas",
                "Analista de nómina",
                "Administrativo/a de nóminas y seguros sociales",
            ),
        },
        summary=("Te encargarás del proceso de nómina mensual de más de 800 trabajadores.",),
        duties=(
            "Cálculo y emisión de nóminas, finiquitos y liquidaciones",
            "Gestión de altas y bajas en la Seguridad Social o el IMSS",
            "Presentación de seguros sociales e impuestos sobre la nómina",
            "Atención a consultas de los empleados sobre su recibo de nómina",
        ),
        needs=("Experiencia con {A3Nom} o {SAP HCM}",),
        skills=("A3Nom", "SAP HCM", "seguros sociales", "IMSS", "Excel"),
        pay=("year", 50000.0),
        slots="mid madrid h; mid cdmx o; junior sevilla o",
    ),
    _es(
        "accounts_payable",
        ("office", "logistics"),
        titles={
            "junior": ("Auxiliar de cuentas por pagar",),
            "mid": ("Administrativo/a de proveedores",),
        },
        summary=("Gestionarás las facturas y los pagos a proveedores.",),
        duties=(
            "Registro y contabilización de facturas de proveedores",
            "Conciliación de cuentas de proveedores",
            "Preparación de remesas de pago",
        ),
        needs=("Experiencia en contabilidad de proveedores con {SAP}",),
        skills=("SAP", "conciliación", "Excel"),
        pay=("year", 42000.0),
        slots="junior cdmx o; mid madrid o",
    ),
    _es(
        "vet_tech",
        ("vet",),
        titles={"mid": ("Auxiliar Técnico Veterinario (ATV)", "Técnico/a veterinario/a")},
        summary=("Apoyarás al equipo veterinario en consulta, quirófano y hospitalización.",),
        duties=(
            "Asistencia en consultas y cirugías",
            "Monitorización anestésica",
            "Toma de muestras y {radiología}",
            "Atención a propietarios en recepción",
        ),
        needs=("Título de ATV o técnico veterinario",),
        skills=("radiología", "monitorización anestésica", "hospitalización veterinaria"),
        pay=("year", 36000.0),
        slots="mid madrid o; mid guadalajara o",
    ),
    _es(
        "truck_driver",
        ("logistics",),
        titles={
            "mid": ("Conductor/a de camión tráiler (C+E)", "Operador de tractocamión quinta rueda"),
        },
        summary=(
            "Realizarás rutas nacionales e internacionales con camiones de última generación.",
        ),
        duties=(
            "Transporte de mercancías por carretera",
            "Carga, descarga y estiba",
            "Revisión diaria del vehículo",
        ),
        needs=("{Carné C+E} y {CAP} en vigor", "Licencia federal tipo E (México)"),
        skills=("Carné C+E", "CAP", "tacógrafo"),
        pay=("year", 48000.0),
        slots="mid valencia o; mid monterrey o",
    ),
    _es(
        "warehouse_associate",
        ("logistics",),
        titles={
            "junior": ("Mozo/a de almacén", "Auxiliar de almacén"),
            "mid": ("Operario/a de almacén con carretilla",),
        },
        summary=("Trabajarás en nuestro centro logístico preparando pedidos para tiendas.",),
        duties=(
            "Preparación de pedidos con radiofrecuencia",
            "Carga y descarga de camiones",
            "Manejo de {carretilla elevadora} y transpaleta",
            "Control de inventario",
        ),
        needs=("Carné de carretillero valorable",),
        skills=("carretilla elevadora", "radiofrecuencia", "preparación de pedidos"),
        pay=("year", 32000.0),
        slots="junior madrid o; junior madrid o tmp; mid barcelona o; junior santiago o",
    ),
    _es(
        "line_cook",
        ("restaurant",),
        titles={
            "junior": ("Cocinero/a de línea", "Ayudante de cocina"),
            "senior": ("Jefe/a de partida",),
        },
        summary=("Buscamos cocineros/as para restaurante con mucho movimiento.",),
        duties=(
            "Elaboración de platos según fichas técnicas",
            "Mise en place antes del servicio",
            "Limpieza de la partida y cumplimiento de {APPCC}",
        ),
        needs=("Carné de manipulador de alimentos",),
        skills=("APPCC", "manipulador de alimentos", "plancha"),
        pay=("year", 30000.0),
        slots="junior madrid o; junior barcelona o; senior cdmx o",
    ),
    _es(
        "customer_service",
        ("contact", "tech", "office"),
        titles={
            "junior": (
                "Agente de atención al cliente",
                "Asesor/a de servicio al cliente bilingüe",
            ),
        },
        summary=("Atenderás a nuestros clientes por teléfono, chat y correo electrónico.",),
        duties=(
            "Resolver dudas e incidencias de clientes",
            "Registrar cada contacto en el {CRM}",
            "Escalar casos complejos",
        ),
        needs=("Buena comunicación y orientación al cliente",),
        skills=("CRM", "atención telefónica", "inglés"),
        pay=("year", 28000.0),
        slots="junior bogota r; junior madrid h; junior cdmx r",
    ),
)

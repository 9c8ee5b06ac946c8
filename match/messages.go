package match

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/wraparound/wraparound/directory"
)

// The family-facing text comes from one message catalog, built with
// golang.org/x/text/message, the Go team's package for user-facing
// text: a message's key is its English text, each language sets its own
// translation of that key, plurals follow each language's CLDR rules
// (plural.Selectf), and the printer formats numbers for the language
// ("0.6" in English, "0,6" in Spanish). A small catalog of our own would
// have had to reinvent exactly that; x/text is already in the module's
// dependency graph. English and Spanish are covered; any other tag gets
// English (FamilyLanguages lists what is supported).

// FamilyLanguages are the languages family-facing text is written in;
// other tags are matched to the nearest of them, English by default.
var FamilyLanguages = []language.Tag{language.English, language.Spanish}

var (
	familyCatalog = buildCatalog()
	familyMatcher = language.NewMatcher(FamilyLanguages)
)

// familyTag returns the supported language closest to tag.
func familyTag(tag language.Tag) language.Tag {
	_, i, conf := familyMatcher.Match(tag)
	if conf == language.No {
		return language.English
	}
	return FamilyLanguages[i]
}

// printer returns a printer of the family catalog for tag. A Printer is
// not safe for concurrent use, so each rendering makes its own.
func printer(tag language.Tag) *message.Printer {
	return message.NewPrinter(familyTag(tag), message.Catalog(familyCatalog))
}

// spanish holds the Spanish for every family-facing message; the key is
// the English text.
var spanish = map[string]string{
	// What, where, when.
	"%s (%s)":      "%s (%s)",
	"Address: %s.": "Dirección: %s.",
	"Confidential location: they give the address by phone.": "Lugar confidencial: dan la dirección por teléfono.",
	"%.1f miles from home.":                                  "A %.1f millas de casa.",
	"%.1f miles from school.":                                "A %.1f millas de la escuela.",
	"Open %s.":                                               "Abierto %s.",
	"Open 24 hours, every day.":                              "Abierto las 24 horas, todos los días.",
	"Hours not listed: call before you go.":                  "No hay horario publicado: llame antes de ir.",
	"Phone: %s.":                                             "Teléfono: %s.",
	"Closed":                                                 "Cerrado",
	"%s to %s":                                               "de %s a %s",

	// Languages and cost.
	"They speak %s.":                   "Hablan %s.",
	"Languages spoken are not listed.": "No indican qué idiomas hablan.",
	"Free.":                            "Gratis.",
	"Fees on a sliding scale: you pay what fits your income.": "Cuotas según sus ingresos.",
	"There is a fee.":                     "Tiene costo.",
	"Cost not listed: ask when you call.": "No indican el costo: pregunte al llamar.",
	" and ":                               " y ",

	// Getting there.
	"About %d min on foot.":                              "Unos %d min a pie.",
	"About %d min by car.":                               "Unos %d min en carro.",
	"About %d min by school transport, from school.":     "Unos %d min en el transporte de la escuela, desde la escuela.",
	"Walk %d min to the %s stop.":                        "Camine %d min hasta la parada %s.",
	"Walk %d min to the bus stop.":                       "Camine %d min hasta la parada del autobús.",
	"Walk %d min to the door.":                           "Camine %d min hasta la puerta.",
	"Walk %d min to the %s stop to change buses.":        "Camine %d min hasta la parada %s para cambiar de autobús.",
	"Take route %s":                                      "Tome la ruta %s",
	"Take route %s toward %s":                            "Tome la ruta %s hacia %s",
	"Take the bus":                                       "Tome el autobús",
	"Stay on the bus when it becomes route %s toward %s": "Quédese en el autobús cuando pase a ser la ruta %s hacia %s",
	"Stay on the bus when it becomes route %s":           "Quédese en el autobús cuando pase a ser la ruta %s",
	"Stay on the bus as it goes on":                      "Quédese en el autobús, que sigue su camino",
	" at %s":                                             " a las %s",
	" (it comes about every %d min)":                     " (pasa cada %d min, más o menos)",
	", change buses on the way":                          ", con un cambio de autobús en el camino",
	" and get off at %s":                                 " y bájese en %s",
	" and get off at %s, %s":                             " y bájese en %s a las %s",
	" and get off at the stop nearest the address":       " y bájese en la parada más cercana a la dirección",
	"route %s":                   "ruta %s",
	"About %d min door to door.": "Unos %d min de puerta a puerta.",
	"About %d min door to door (an estimate: check the times before you go).": "Unos %d min de puerta a puerta (es un cálculo: revise los horarios antes de ir).",

	// Unmet.
	"Not found yet: %s.":                                   "Todavía no encontramos: %s.",
	"Call %s: %s.":                                         "Llame a %s: %s.",
	"No place of this kind is listed yet.":                 "Todavía no hay ningún lugar de este tipo en la lista.",
	"None serves the child's age.":                         "Ninguno atiende a niños de esta edad.",
	"None serves the child's grade.":                       "Ninguno atiende a este grado escolar.",
	"None is free of charge.":                              "Ninguno es gratis.",
	"None is wheelchair accessible.":                       "Ninguno tiene acceso para silla de ruedas.",
	"The ones listed were already tried.":                  "Los de la lista ya se intentaron.",
	"The ones listed serve residents of other areas only.": "Los de la lista solo atienden a residentes de otras zonas.",
	"All of them are full right now.":                      "Todos están llenos por ahora.",
	"None is open when you said you can go.":               "Ninguno abre cuando ustedes pueden ir.",
	"None is close enough to reach in the time you gave.":  "Ninguno queda lo bastante cerca para llegar en el tiempo indicado.",
	"Your Navigator will keep looking.":                    "Su Navegador seguirá buscando.",
	"Need: %s":                                             "Necesidad: %s",
	"Interest: %s":                                         "Interés: %s",
}

// pluralKeys have plural forms: key → English forms, Spanish forms
// (one, other), the count being the first argument.
var pluralKeys = map[string][2][2]string{
	"%d seats open.": {{"%d seat open.", "%d seats open."}, {"Queda %d lugar libre.", "Quedan %d lugares libres."}},
}

func buildCatalog() catalog.Catalog {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for k, v := range spanish {
		if err := b.SetString(language.Spanish, k, v); err != nil {
			panic(err) // the table above is constant: a bad entry is a bug here
		}
	}
	for k, forms := range pluralKeys {
		for i, tag := range FamilyLanguages {
			if err := b.Set(tag, k, plural.Selectf(1, "%d", plural.One, forms[i][0], plural.Other, forms[i][1])); err != nil {
				panic(err)
			}
		}
	}
	return b
}

// dayNames are weekday abbreviations per supported language, indexed by
// time.Weekday.
var dayNames = map[language.Tag][7]string{
	language.English: {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	language.Spanish: {"dom", "lun", "mar", "mié", "jue", "vie", "sáb"},
}

// spanishLanguageNames names languages in Spanish; English names are
// explain.go's languageNames.
var spanishLanguageNames = map[string]string{
	"en": "inglés", "es": "español", "ar": "árabe", "vi": "vietnamita", "sw": "suajili",
	"fr": "francés", "zh": "chino", "ko": "coreano", "so": "somalí", "ne": "nepalí",
	"pt": "portugués", "ru": "ruso", "uk": "ucraniano", "ht": "criollo haitiano",
	"tl": "tagalo", "hi": "hindi", "my": "birmano", "ps": "pastún", "fa": "persa",
	"am": "amhárico", "ti": "tigriña", "rw": "kinyarwanda", "de": "alemán", "ja": "japonés",
	"mam": "mam", "quc": "k'iche'", "asl": "lengua de señas americana",
}

// LanguageName names the language with ISO 639 code (lower case) in the
// family language closest to tag: LanguageName("es", language.Spanish)
// is "español". An unknown code is returned as given.
func LanguageName(code string, tag language.Tag) string {
	if familyTag(tag) == language.Spanish {
		if n, ok := spanishLanguageNames[code]; ok {
			return n
		}
		return code
	}
	return languageName(code)
}

// spanishLabels are the Spanish labels of the default taxonomy's
// categories (directory.DefaultTaxonomy), by code. directory.Category has
// an English label only; its Spanish synonyms are search words, not
// labels.
var spanishLabels = map[string]string{
	"basic":                 "Necesidades básicas",
	"other":                 "Otros servicios",
	"basic.food":            "Comida",
	"basic.food.pantry":     "Despensa de alimentos",
	"basic.food.meals":      "Comidas gratis",
	"basic.food.groceries":  "Supermercados y mercados",
	"basic.housing":         "Vivienda y refugio",
	"basic.housing.shelter": "Refugio de emergencia",
	"basic.housing.rent":    "Ayuda con la renta y la vivienda",
	"basic.utilities":       "Ayuda con la luz, el agua y el gas",
	"basic.clothing":        "Ropa y uniformes escolares",
	"basic.supplies":        "Útiles escolares",
	"basic.transportation":  "Transporte",
	"health":                "Salud",
	"health.primary":        "Médico y clínica",
	"health.dental":         "Dentista",
	"health.vision":         "Examen de la vista y lentes",
	"health.mental":         "Salud mental",
	"health.substance":      "Tratamiento de adicciones",
	"education":             "Educación",
	"education.tutoring":    "Tutoría",
	"education.mentoring":   "Mentoría",
	"education.afterschool": "Programas después de la escuela",
	"education.early":       "Primera infancia",
	"education.college":     "Preparación para la universidad y el trabajo",
	"enrichment":            "Actividades",
	"enrichment.sports":     "Deportes",
	"enrichment.arts":       "Artes",
	"enrichment.music":      "Música",
	"enrichment.stem":       "Ciencia y tecnología",
	"enrichment.summer":     "Programas de verano",
	"work":                  "Trabajo",
	"work.jobs":             "Empleos",
	"work.internships":      "Pasantías",
	"family":                "Apoyo familiar",
	"family.legal":          "Ayuda legal",
	"family.parenting":      "Apoyo para madres y padres",
	"family.benefits":       "Inscripción en beneficios",
}

// CategoryLabel returns the label of taxonomy category code in the
// family language closest to tag: the taxonomy's own label in English,
// and in Spanish the label of the default taxonomy's category of that
// code, or the English label when the code is not one of them. An
// unknown code is returned as given.
func CategoryLabel(tax *directory.Taxonomy, code string, tag language.Tag) string {
	if familyTag(tag) == language.Spanish {
		if l, ok := spanishLabels[code]; ok {
			return l
		}
	}
	if tax != nil {
		if c, ok := tax.Lookup(code); ok {
			return c.Label
		}
	}
	return code
}

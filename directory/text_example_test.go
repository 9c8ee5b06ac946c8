package directory_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"

	"github.com/wraparound/wraparound/directory"
)

func ExampleDirectory_SearchText() {
	b := directory.NewBuilder()
	b.TextIndex = true
	for _, p := range []directory.Provider{
		{ID: "vision-1", Name: "Southside Vision Center", Categories: []string{"health.vision"}, Point: orb.Point{-85.309, 35.040}},
		{ID: "vision-2", Name: "Free Eye Glasses Program", Categories: []string{"health.vision"}, Point: orb.Point{-85.250, 35.050}},
		{ID: "pantry-1", Name: "Despensa Comunitaria", Description: "Comida gratis los sábados.", Categories: []string{"basic.food.pantry"}, Point: orb.Point{-85.300, 35.045}},
		{ID: "tutor-1", Name: "Eastside Homework Club", Keywords: []string{"tutoring", "reading"}, Categories: []string{"education.tutoring"}, Point: orb.Point{-85.280, 35.060}},
	} {
		b.Add(p)
	}
	dir, err := b.Build(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	home := orb.Point{-85.3097, 35.0456} // lon, lat
	for _, words := range []string{"eye glasses", "food bank", "tutorng"} {
		res, err := dir.SearchText(directory.TextQuery{Words: words, Query: directory.Query{Near: home, Radius: 10_000}})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%q:\n", words)
		for _, h := range res.Hits {
			fmt.Printf("  %-26s %4.0f m  relevance %.2f  score %.2f\n", h.Provider.Name(), float64(h.Distance), h.Relevance, h.Score)
		}
		if len(res.Suggestions) > 0 {
			s := res.Suggestions[0]
			fmt.Printf("  understood as %s (%s, from %q)\n", s.Code, s.Label, s.Phrase)
		}
		for _, c := range res.Corrections {
			fmt.Printf("  read %q as %v\n", c.Word, c.As)
		}
	}
	// Output:
	// "eye glasses":
	//   Southside Vision Center     626 m  relevance 0.80  score 0.79
	//   Free Eye Glasses Program   5457 m  relevance 1.00  score 0.78
	//   understood as health.vision (Vision care and eye glasses, from "eye glasses")
	// "food bank":
	//   Despensa Comunitaria        886 m  relevance 0.80  score 0.77
	//   understood as basic.food.pantry (Food pantry, from "food bank")
	// "tutorng":
	//   Eastside Homework Club     3142 m  relevance 0.56  score 0.51
	//   understood as education.tutoring (Tutoring, from "Tutoring")
	//   read "tutorng" as [tutoring]
}

func ExampleOpen() {
	b := directory.NewBuilder()
	b.TextIndex = true
	b.Add(directory.Provider{ID: "p1", Name: "Despensa Comunitaria", Categories: []string{"basic.food.pantry"}, Point: orb.Point{-85.300, 35.045}})
	dir, err := b.Build(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "wraparound-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, "directory")
	if err := dir.Save(context.Background(), snap); err != nil {
		log.Fatal(err)
	}
	opened, err := directory.Open(context.Background(), snap) // the text index is read, not rebuilt
	if err != nil {
		log.Fatal(err)
	}
	res, err := opened.SearchText(directory.TextQuery{Words: "food bank", Query: directory.Query{Near: orb.Point{-85.31, 35.04}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Total, res.Hits[0].Provider.Name())
	// Output:
	// 1 Despensa Comunitaria
}
